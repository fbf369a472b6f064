package io.paymesh.admin.policy;

import io.paymesh.admin.api.CommitResponse;
import io.paymesh.admin.api.ErrorDetail;
import io.paymesh.admin.api.PlanResponse;
import io.paymesh.admin.auth.AdminPrincipal;
import io.paymesh.admin.auth.Role;
import io.paymesh.admin.errors.ApiException;
import io.paymesh.admin.http.Reasons;
import io.paymesh.admin.resources.Headers;
import io.paymesh.config.audit.Approval;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.idempotency.IdempotencyClaim;
import io.paymesh.config.idempotency.IdempotencyKeyUsedException;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.proposal.Proposal;
import io.paymesh.config.proposal.Proposals;
import io.paymesh.config.proposal.ProposedChange;
import io.paymesh.config.proposal.StoredProposal;
import io.paymesh.config.store.Actor;
import io.paymesh.config.store.Change;
import io.paymesh.config.store.CommitResult;
import io.paymesh.config.store.CommitSummary;
import io.paymesh.config.store.DocumentNotFoundException;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.config.store.Precondition;
import io.paymesh.config.store.PreconditionFailedException;
import io.paymesh.config.store.ProposalApproval;
import io.paymesh.config.store.ProposalGoneException;
import io.paymesh.config.store.StoredVersion;
import io.paymesh.config.validation.PolicyValidationException;
import io.paymesh.xds.inspect.PlanCalculator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path every write takes: plan the changes against the current policy, refuse them when
 * they break a group that passes the Gate, touch the CDE or security without a reason, or make a
 * security-relevant change ({@link SecurityRelevantChanges}) without the security-admin role;
 * then commit them in one etcd transaction guarded by their preconditions, or, when four-eyes
 * applies, store them as a proposal that a second security admin approves. Plans run the same
 * checks without the commit, so a plan's errors are exactly the ones a write would get.
 */
public final class PolicyWriter {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyWriter.class);

  /** The store's limit on documents per transaction (see PolicyRepository#commit). */
  public static final int MAX_CHANGES = 40;
  public static final String REFUSED = "the change is refused";

  private final PolicyRepository repository;
  private final PlanCalculator planner;
  private final Proposals proposals;
  private final FourEyes fourEyes;
  private final PolicyCodec codec;

  public PolicyWriter(PolicyRepository repository, PlanCalculator planner, Proposals proposals,
      FourEyes fourEyes, PolicyCodec codec) {
    this.repository = repository;
    this.planner = planner;
    this.proposals = proposals;
    this.fourEyes = fourEyes;
    this.codec = codec;
  }

  /** What the changes would do, and every reason a write of them would be refused. */
  public PlanResponse plan(List<Change> changes, Optional<String> reason) {
    Checked checked = check(changes, reason);
    return new PlanResponse(checked.current().revision(), checked.errors().isEmpty(),
        checked.errors(), documentChanges(checked.current(), changes),
        checked.plans().stream().map(PolicyWriter::view).toList(),
        checked.security().stream().map(SecurityChange::summary).toList(),
        fourEyes.requiresApproval(checked.security()));
  }

  /**
   * Checks the changes, then commits them, or proposes them when four-eyes applies; throws
   * {@link ApiException} with what to tell the caller.
   */
  public WriteOutcome write(List<Change> changes, AdminPrincipal caller, Optional<String> reason,
      boolean rollback) {
    return write(changes, caller, reason, rollback, Optional.empty());
  }

  /**
   * {@link #write(List, AdminPrincipal, Optional, boolean)} under an idempotency claim (see
   * {@link io.paymesh.admin.idempotency.IdempotentWrites}): a commit records it in its own
   * transaction; a proposal carries it, so a retry finds the proposal it made instead of
   * proposing twice.
   */
  public WriteOutcome write(List<Change> changes, AdminPrincipal caller, Optional<String> reason,
      boolean rollback, Optional<IdempotencyClaim> claim) {
    failFastOnStalePreconditions(changes);
    Checked checked = check(changes, reason);
    requireSecurityRole(caller, checked.security());
    if (!checked.errors().isEmpty()) {
      throw ApiException.unprocessable(REFUSED, checked.errors());
    }
    if (fourEyes.requiresApproval(checked.security())) {
      return new WriteOutcome.Proposed(propose(changes, caller, reason.orElseThrow(), rollback,
          checked.security(), claim));
    }
    return new WriteOutcome.Committed(
        commit(changes, new Actor(caller.getName(), reason.orElse(null)), rollback, claim));
  }

  /**
   * Commits a pending proposal on a second security admin's approval: the proposal's documents
   * are checked again against today's policy and committed only if none of them moved since it
   * was proposed, in one transaction that also deletes the proposal, with both actors and both
   * reasons in every audit record.
   */
  public CommitResult approve(String id, AdminPrincipal approver, Optional<String> reason) {
    if (!approver.has(Role.SECURITY_ADMIN) && !approver.has(Role.ADMIN)) {
      throw ApiException.forbidden("role may not approve security-relevant changes");
    }
    StoredProposal stored = proposals.get(id)
        .orElseThrow(() -> ApiException.notFound("no pending proposal " + id));
    Proposal proposal = stored.proposal();
    if (proposal.proposer().equals(approver.getName())) {
      throw ApiException.forbidden("four eyes: a proposal must be approved by a security admin"
          + " other than its proposer (" + proposal.proposer() + ")");
    }
    String why = reason.filter(r -> !r.isBlank()).orElseThrow(() -> ApiException.unprocessable(
        REFUSED, List.of(new ErrorDetail(CdeReasonRule.PATH,
            "required: an approval needs its own reason (send the X-Paymesh-Reason header)"))));
    List<Change> changes = changesOf(proposal);
    Checked checked = check(changes, Optional.of(proposal.reason()));
    if (!checked.errors().isEmpty()) {
      throw ApiException.unprocessable(REFUSED, checked.errors());
    }
    ProposalApproval approval = new ProposalApproval(proposals.key(id), stored.modRevision(),
        new Approval(approver.getName(), why));
    try {
      CommitResult result = repository.commitApproved(changes,
          new Actor(proposal.proposer(), proposal.reason()), proposal.rollback(), approval,
          proposal.idempotencyClaim());
      result.changes().forEach(c -> LOG.info("{} {} at revision {} by {}, approved by {}",
          c.key(), c.operation(), c.revision(), proposal.proposer(), approver.getName()));
      return result;
    } catch (PolicyValidationException e) {
      throw ApiException.unprocessable(PolicyDocuments.INVALID_BUNDLE, PolicyDocuments.details(e.errors(), ""));
    } catch (PreconditionFailedException e) {
      throw ApiException.preconditionFailed("proposal " + id + " cannot be approved: "
          + describe(e) + " when it was proposed; the document moved since, propose again");
    } catch (DocumentNotFoundException e) {
      throw ApiException.preconditionFailed("proposal " + id + " cannot be approved: " + e.key()
          + " was deleted since it was proposed; propose again");
    } catch (ProposalGoneException e) {
      throw ApiException.conflict("proposal " + id
          + " is no longer pending: it was approved, withdrawn or expired meanwhile");
    } catch (IdempotencyKeyUsedException e) {
      // Two proposals from one request under one key (retries that raced): one is committed.
      throw ApiException.conflict("proposal " + id + " cannot be approved: its proposer's "
          + Headers.IDEMPOTENCY_KEY + " already committed " + e.record().claim().request()
          + " at revision " + e.record().revision() + "; withdraw this proposal");
    }
  }

  private CommitResult commit(List<Change> changes, Actor actor, boolean rollback,
      Optional<IdempotencyClaim> claim) {
    try {
      CommitResult result = repository.commit(changes, actor, rollback, claim);
      // Names and revisions only: the documents are in the audit log, and no credential is here.
      result.changes().forEach(c -> LOG.info("{} {} at revision {} by {}", c.key(), c.operation(),
          c.revision(), actor.name()));
      return result;
    } catch (PolicyValidationException e) {
      throw ApiException.unprocessable(PolicyDocuments.INVALID_BUNDLE, PolicyDocuments.details(e.errors(), ""));
    } catch (PreconditionFailedException e) {
      throw ApiException.preconditionFailed(describe(e));
    } catch (DocumentNotFoundException e) {
      throw ApiException.notFound(e.key() + " does not exist");
    }
  }

  /**
   * Stores the changes as a proposal. Each document is pinned to the revision it has now (or to
   * its absence), so an approval can only commit exactly what the proposer looked at.
   */
  private StoredProposal propose(List<Change> changes, AdminPrincipal caller, String reason,
      boolean rollback, List<SecurityChange> security, Optional<IdempotencyClaim> claim) {
    Optional<StoredProposal> earlier = claim.flatMap(this::proposedUnder);
    if (earlier.isPresent()) {
      return earlier.get();
    }
    List<ProposedChange> pinned = new ArrayList<>();
    for (Change change : changes) {
      pinned.add(new ProposedChange(change.key(), pinnedRevision(change),
          change.after().map(codec::toJson)));
    }
    StoredProposal stored = proposals.propose(caller.getName(), reason, rollback, pinned,
        security.stream().map(SecurityChange::summary).toList(), fourEyes.proposalLifetime(),
        claim.map(c -> new Proposal.Request(c.key(), c.fingerprint(), c.request())));
    LOG.info("Proposal {} of {} by {} waits for a second security admin until {}",
        stored.proposal().id(), changes.stream().map(Change::key).toList(), caller.getName(),
        stored.proposal().expiresAt());
    return stored;
  }

  /**
   * The pending proposal this caller made under the claim's key: a retry of the same request
   * gets it back; another request under the key is refused, as for a commit.
   */
  private Optional<StoredProposal> proposedUnder(IdempotencyClaim claim) {
    Optional<StoredProposal> earlier = proposals.list().stream()
        .filter(p -> p.proposal().proposer().equals(claim.caller()))
        .filter(p -> p.proposal().request().map(r -> r.idempotencyKey().equals(claim.key()))
            .orElse(false))
        .findFirst();
    if (earlier.isPresent()
        && !earlier.get().proposal().request().orElseThrow().fingerprint()
            .equals(claim.fingerprint())) {
      throw ApiException.unprocessable(Headers.IDEMPOTENCY_KEY + " was already used for a "
          + "different request (proposal " + earlier.get().proposal().id() + "); a new request "
          + "needs a new key", List.of(new ErrorDetail(Headers.IDEMPOTENCY_KEY,
          "already used for a different request: proposal " + earlier.get().proposal().id())));
    }
    return earlier;
  }

  private long pinnedRevision(Change change) {
    Precondition expected = change.precondition();
    if (expected instanceof Precondition.Revision revision) {
      return revision.modRevision();
    }
    if (expected instanceof Precondition.Absent) {
      return 0;
    }
    return storedRevision(change.key());
  }

  /** The revision stored now, 0 if none; a damaged document is pinned like any other. */
  private long storedRevision(ResourceKey key) {
    return repository.read(key.kind(), key.name()).map(StoredVersion::modRevision).orElse(0L);
  }

  private List<Change> changesOf(Proposal proposal) {
    List<Change> changes = new ArrayList<>();
    for (ProposedChange proposed : proposal.changes()) {
      Precondition precondition = proposed.expectedModRevision() == 0
          ? new Precondition.Absent()
          : new Precondition.Revision(proposed.expectedModRevision());
      if (proposed.afterJson().isEmpty()) {
        changes.add(Change.delete(proposed.key(), precondition));
        continue;
      }
      try {
        changes.add(Change.put(codec.decode(proposed.afterJson().get()), precondition));
      } catch (PolicyValidationException e) {
        // The rules may have tightened since it was proposed.
        throw ApiException.unprocessable(PolicyDocuments.INVALID_BUNDLE,
            PolicyDocuments.details(e.errors(), ""));
      }
    }
    return changes;
  }

  private static void requireSecurityRole(AdminPrincipal caller, List<SecurityChange> security) {
    if (security.isEmpty() || caller.has(Role.SECURITY_ADMIN) || caller.has(Role.ADMIN)) {
      return;
    }
    throw new ApiException(403, "security-relevant changes need the security-admin role",
        security.stream().map(c -> new ErrorDetail(c.document() + "." + c.path(), c.description()))
            .toList());
  }

  public static CommitResponse view(CommitResult result) {
    return view(result.summary());
  }

  /** The answer to a commit; the same for the commit and for its idempotent replay. */
  public static CommitResponse view(CommitSummary summary) {
    return new CommitResponse(summary.revision(),
        summary.changes().stream()
            .map(c -> new CommitResponse.Committed(c.key().kind().wireName(), c.key().name(),
                c.operation().name(), summary.revision()))
            .toList());
  }

  /**
   * Refuses a write whose If-Match or If-None-Match is already known to fail before paying for
   * its plan: under contention most attempts are stale, and planning is the expensive step. The
   * commit still compares the revisions itself, so this is an optimisation, not the guard.
   */
  private void failFastOnStalePreconditions(List<Change> changes) {
    List<PreconditionFailedException> stale = new ArrayList<>();
    for (Change change : changes) {
      Precondition expected = change.precondition();
      if (expected instanceof Precondition.Any) {
        continue;
      }
      long actual = repository.read(change.key().kind(), change.key().name())
          .map(StoredVersion::modRevision)
          .orElse(0L);
      boolean holds = expected instanceof Precondition.Absent
          ? actual == 0
          : actual == ((Precondition.Revision) expected).modRevision();
      if (!holds) {
        stale.add(new PreconditionFailedException(change.key(), expected, actual));
      }
    }
    if (stale.size() == 1) {
      throw ApiException.preconditionFailed(describe(stale.get(0)));
    }
    if (!stale.isEmpty()) {
      // A bundle: name every document that moved, so the caller re-plans once, not once per name.
      throw new ApiException(412, stale.size() + " documents changed since they were read: "
          + String.join("; ", stale.stream().map(PolicyWriter::describe).toList()),
          stale.stream().map(e -> new ErrorDetail(e.key().toString(), describe(e))).toList());
    }
  }

  private record Checked(PolicySnapshot current, List<PlanCalculator.GroupPlan> plans,
      List<ErrorDetail> errors, List<SecurityChange> security) {}

  private Checked check(List<Change> changes, Optional<String> reason) {
    reason.ifPresent(r -> Reasons.requireAcceptable(r, Reasons.BODY_PATH));
    List<ErrorDetail> errors = new ArrayList<>(shape(changes));
    PolicySnapshot current = repository.loadSnapshot();
    if (!errors.isEmpty()) {
      return new Checked(current, List.of(), errors, List.of());
    }
    PolicySnapshot proposed = SnapshotEdit.apply(current, changes);
    List<PlanCalculator.GroupPlan> plans = planner.plan(current, proposed);
    errors.addAll(GateRule.check(plans));
    List<SecurityChange> security = SecurityRelevantChanges.of(current, proposed, changes);
    CdeReasonRule.check(current, proposed, changes, security, reason).ifPresent(errors::add);
    return new Checked(current, plans, errors, security);
  }

  /** Problems with the set itself: a document twice, or more than one transaction holds. */
  private static List<ErrorDetail> shape(List<Change> changes) {
    List<ErrorDetail> errors = new ArrayList<>();
    if (changes.isEmpty()) {
      errors.add(new ErrorDetail(PolicyDocuments.DOCUMENTS, "must hold at least one document"));
    }
    if (changes.size() > MAX_CHANGES) {
      errors.add(new ErrorDetail(PolicyDocuments.DOCUMENTS,
          "at most " + MAX_CHANGES + " documents per request, got " + changes.size()));
    }
    Set<ResourceKey> seen = new HashSet<>();
    for (Change change : changes) {
      if (!seen.add(change.key())) {
        errors.add(new ErrorDetail(change.key().toString(), "appears more than once"));
      }
    }
    return errors;
  }

  private static List<PlanResponse.DocumentChange> documentChanges(PolicySnapshot current,
      List<Change> changes) {
    Map<ResourceKey, PolicyResource> existing =
        current.resources().stream().collect(Collectors.toMap(PolicyResource::key, Function.identity()));
    List<PlanResponse.DocumentChange> result = new ArrayList<>();
    for (Change change : changes) {
      PolicyResource before = existing.get(change.key());
      String operation;
      if (change.after().isEmpty()) {
        operation = "DELETE";
      } else if (before == null) {
        operation = "CREATE";
      } else {
        operation = before.equals(change.after().get()) ? "UNCHANGED" : "UPDATE";
      }
      result.add(new PlanResponse.DocumentChange(change.key().kind().wireName(), change.key().name(), operation));
    }
    return result;
  }

  private static PlanResponse.GroupPlan view(PlanCalculator.GroupPlan plan) {
    return new PlanResponse.GroupPlan(
        plan.group().service(),
        plan.group().client().name(),
        plan.group().form().name(),
        plan.newlyFailing(),
        plan.violationsAfter().stream()
            .map(v -> new PlanResponse.Violation(v.resource(), v.invariant(), v.message()))
            .toList(),
        plan.changes().stream()
            .map(c -> new PlanResponse.ResourceChange(c.typeUrl(), c.name(), c.type().name(), c.diff()))
            .toList());
  }

  static String describe(PreconditionFailedException e) {
    String actual = e.actualModRevision() == 0
        ? "does not exist"
        : "is at revision " + e.actualModRevision();
    Precondition expected = e.expected();
    String wanted;
    if (expected instanceof Precondition.Absent) {
      wanted = "expected it not to exist (If-None-Match: *)";
    } else if (expected instanceof Precondition.Revision) {
      wanted = "expected revision " + ((Precondition.Revision) expected).modRevision() + " (If-Match)";
    } else if (expected instanceof Precondition.Any) {
      wanted = "it kept changing during the write";
    } else {
      throw new AssertionError(expected);
    }
    return e.key() + " " + actual + ", " + wanted;
  }
}
