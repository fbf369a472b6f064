package io.paymesh.admin.policy;

import io.paymesh.admin.api.CommitResponse;
import io.paymesh.admin.api.ErrorDetail;
import io.paymesh.admin.api.PlanResponse;
import io.paymesh.admin.errors.ApiException;
import io.paymesh.config.idempotency.IdempotencyClaim;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.store.Actor;
import io.paymesh.config.store.Change;
import io.paymesh.config.store.CommitResult;
import io.paymesh.config.store.CommitSummary;
import io.paymesh.config.store.DocumentNotFoundException;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.config.store.Precondition;
import io.paymesh.config.store.PreconditionFailedException;
import io.paymesh.config.store.StoredDocument;
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
 * they break a group that passes the Gate or touch the CDE without a reason, then commit them in
 * one etcd transaction guarded by their preconditions. Plans run the same checks without the
 * commit, so a plan's errors are exactly the ones a write would get.
 */
public final class PolicyWriter {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyWriter.class);

  /** The store's limit on documents per transaction (see PolicyRepository#commit). */
  public static final int MAX_CHANGES = 40;
  public static final String REFUSED = "the change is refused";

  private final PolicyRepository repository;
  private final PlanCalculator planner;

  public PolicyWriter(PolicyRepository repository, PlanCalculator planner) {
    this.repository = repository;
    this.planner = planner;
  }

  /** What the changes would do, and every reason a write of them would be refused. */
  public PlanResponse plan(List<Change> changes, Optional<String> reason) {
    Checked checked = check(changes, reason);
    return new PlanResponse(checked.current().revision(), checked.errors().isEmpty(),
        checked.errors(), documentChanges(checked.current(), changes),
        checked.plans().stream().map(PolicyWriter::view).toList());
  }

  /** Checks and commits the changes; throws {@link ApiException} with what to tell the caller. */
  public CommitResult write(List<Change> changes, Actor actor, boolean rollback) {
    return write(changes, actor, rollback, Optional.empty());
  }

  /**
   * {@link #write(List, Actor, boolean)} that records {@code claim} in the commit's transaction
   * (see {@link io.paymesh.admin.idempotency.IdempotentWrites}).
   */
  public CommitResult write(List<Change> changes, Actor actor, boolean rollback,
      Optional<IdempotencyClaim> claim) {
    failFastOnStalePreconditions(changes);
    Checked checked = check(changes, actor.reasonOpt());
    if (!checked.errors().isEmpty()) {
      throw ApiException.unprocessable(REFUSED, checked.errors());
    }
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
    for (Change change : changes) {
      Precondition expected = change.precondition();
      if (expected instanceof Precondition.Any) {
        continue;
      }
      long actual;
      try {
        actual = repository.get(change.key().kind(), change.key().name())
            .map(StoredDocument::modRevision)
            .orElse(0L);
      } catch (PolicyValidationException e) {
        continue;  // undecodable stored document: let the commit report it
      }
      boolean holds = expected instanceof Precondition.Absent
          ? actual == 0
          : actual == ((Precondition.Revision) expected).modRevision();
      if (!holds) {
        throw ApiException.preconditionFailed(
            describe(new PreconditionFailedException(change.key(), expected, actual)));
      }
    }
  }

  private record Checked(PolicySnapshot current, List<PlanCalculator.GroupPlan> plans,
      List<ErrorDetail> errors) {}

  private Checked check(List<Change> changes, Optional<String> reason) {
    List<ErrorDetail> errors = new ArrayList<>(shape(changes));
    PolicySnapshot current = repository.loadSnapshot();
    if (!errors.isEmpty()) {
      return new Checked(current, List.of(), errors);
    }
    PolicySnapshot proposed = SnapshotEdit.apply(current, changes);
    List<PlanCalculator.GroupPlan> plans = planner.plan(current, proposed);
    errors.addAll(GateRule.check(plans));
    CdeReasonRule.check(current, proposed, changes, reason).ifPresent(errors::add);
    return new Checked(current, plans, errors);
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
