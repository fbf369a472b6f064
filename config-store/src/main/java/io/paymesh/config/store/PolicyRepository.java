package io.paymesh.config.store;

import static io.paymesh.config.store.EtcdCalls.await;
import static io.paymesh.config.store.EtcdCalls.bytes;
import static io.paymesh.config.store.EtcdCalls.string;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.idempotency.IdempotencyClaim;
import io.paymesh.config.idempotency.IdempotencyKeyUsedException;
import io.paymesh.config.idempotency.IdempotencyRecords;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.validation.PolicyValidationException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The write side of the policy store, and its consistent reads. Every write is a {@link #commit}:
 * validated first, then one etcd transaction guarded by the documents' mod revisions that stores
 * each document as its canonical JSON under {@code <prefix>policy/<kind>/<name>} together with one
 * audit record per change. So a write never produces a document the watcher would reject, and
 * never happens without its audit entry. Thread-safe.
 */
public final class PolicyRepository {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /**
   * Each change costs two operations of the transaction (document and audit record), plus one for
   * an idempotency record; 40 keeps a commit well inside etcd's default {@code --max-txn-ops} of 128.
   */
  public static final int MAX_CHANGES_PER_COMMIT = 40;

  private final KV kv;
  private final KeyLayout keys;
  private final PolicyCodec codec;
  private final Duration timeout;
  private final StoredEntryDecoder decoder;
  private final PolicyListing listing;
  private final Committer committer;

  public PolicyRepository(Client client, String prefix, PolicyCodec codec) {
    this(client, prefix, codec, DEFAULT_TIMEOUT);
  }

  public PolicyRepository(Client client, String prefix, PolicyCodec codec, Duration timeout) {
    this(client, prefix, codec, timeout, Clock.systemUTC());
  }

  /** @param clock the time recorded in audit entries */
  public PolicyRepository(
      Client client, String prefix, PolicyCodec codec, Duration timeout, Clock clock) {
    this.kv = Objects.requireNonNull(client, "client").getKVClient();
    this.keys = new KeyLayout(prefix);
    this.codec = Objects.requireNonNull(codec, "codec");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.decoder = new StoredEntryDecoder(keys, codec);
    this.listing = new PolicyListing(keys, decoder);
    this.committer = new Committer(kv, keys, codec, timeout, Objects.requireNonNull(clock, "clock"),
        new IdempotencyRecords(client, prefix, timeout));
  }

  public KeyLayout keys() {
    return keys;
  }

  /**
   * Applies up to {@link #MAX_CHANGES_PER_COMMIT} changes atomically: all or none, at one etcd
   * revision, each with an audit entry naming {@code actor}.
   *
   * <ul>
   *   <li>Every new version is validated first; all errors of all documents are reported, paths
   *       prefixed {@code Kind/name.}, and nothing is written.
   *   <li>The transaction compares each document's mod revision with the one read just before, so
   *       {@link CommittedChange#before()} is exactly what was replaced. If another writer got in
   *       between, a {@link Precondition.Revision} or {@link Precondition.Absent} change fails with
   *       {@link PreconditionFailedException}; an all-{@link Precondition.Any} commit is read and
   *       tried again, at most 10 times ({@link PolicyStoreException}
   *       after that).
   *   <li>Deleting a document that does not exist fails with {@link DocumentNotFoundException},
   *       whatever its precondition.
   *   <li>A change to an identical version is still written and audited: the operator may be
   *       recording a reason.
   * </ul>
   *
   * @param rollback record the changes as {@link Operation#ROLLBACK} (restoring an earlier version)
   * @throws IllegalArgumentException for no changes or more than {@link #MAX_CHANGES_PER_COMMIT}
   * @throws CommitOutcomeUnknownException if etcd did not answer the transaction: it may have
   *     committed. Every other {@link PolicyStoreException} means nothing was written.
   */
  public CommitResult commit(List<Change> changes, Actor actor, boolean rollback)
      throws PolicyValidationException, PreconditionFailedException, DocumentNotFoundException {
    return commit(changes, actor, rollback, Optional.empty());
  }

  /**
   * {@link #commit(List, Actor, boolean)}, recording {@code claim} in the same transaction (see
   * {@link io.paymesh.config.idempotency}): the transaction also requires that no write has used
   * the claim's key, and stores the claim with the commit's {@link CommitSummary} as outcome.
   *
   * @throws IdempotencyKeyUsedException if a write under the key committed first (also when this
   *     one's precondition fails, as a retried create's does); nothing of this one is written
   */
  public CommitResult commit(List<Change> changes, Actor actor, boolean rollback,
      Optional<IdempotencyClaim> claim)
      throws PolicyValidationException, PreconditionFailedException, DocumentNotFoundException {
    try {
      return committer.commit(List.copyOf(changes), Objects.requireNonNull(actor, "actor"),
          rollback, Optional.empty(), Objects.requireNonNull(claim, "claim"));
    } catch (ProposalGoneException e) {
      throw new AssertionError("no proposal to lose", e);
    }
  }

  /**
   * Commits an approved proposal like {@link #commit}, in the same transaction deleting the
   * proposal (which must still be stored at the revision the approver read) and recording the
   * approval in every audit entry.
   *
   * @param proposerClaim the idempotency claim of the request that made the proposal, if it had
   *     one: recorded with the commit, so that request's retry answers the commit
   * @throws ProposalGoneException if the proposal was approved, withdrawn or expired meanwhile
   * @throws IdempotencyKeyUsedException if the proposer's key already committed another proposal
   */
  public CommitResult commitApproved(List<Change> changes, Actor proposer, boolean rollback,
      ProposalApproval approval, Optional<IdempotencyClaim> proposerClaim)
      throws PolicyValidationException, PreconditionFailedException, DocumentNotFoundException,
          ProposalGoneException {
    return committer.commit(List.copyOf(changes), Objects.requireNonNull(proposer, "proposer"),
        rollback, Optional.of(approval), proposerClaim);
  }

  /**
   * Validates and stores one document, replacing any previous version; audited as
   * {@link Actor#SYSTEM}.
   *
   * @return the etcd revision of the write (the document's new mod revision)
   * @throws PolicyValidationException with every problem; nothing is written
   */
  public long put(PolicyResource resource) throws PolicyValidationException {
    return putAll(List.of(resource));
  }

  /**
   * Validates all documents, then stores them in one commit: all are written or none. Errors are
   * reported for all documents at once, each path prefixed with the document's {@code Kind/name}.
   *
   * @return the etcd revision of the transaction
   */
  public long putAll(List<PolicyResource> resources) throws PolicyValidationException {
    List<Change> changes =
        resources.stream().map(r -> Change.put(r, new Precondition.Any())).toList();
    try {
      return commit(changes, Actor.SYSTEM, false).revision();
    } catch (PreconditionFailedException | DocumentNotFoundException e) {
      throw new AssertionError("unconditional puts have no precondition to fail", e);
    }
  }

  /** Deletes one document; false if there was none. */
  public boolean delete(Kind kind, String name) {
    Change change = Change.delete(new ResourceKey(kind, name), new Precondition.Any());
    try {
      commit(List.of(change), Actor.SYSTEM, false);
      return true;
    } catch (DocumentNotFoundException e) {
      return false;
    } catch (PolicyValidationException | PreconditionFailedException e) {
      throw new AssertionError("an unconditional delete has nothing to validate or fail", e);
    }
  }

  /**
   * Reads one document with its mod revision.
   *
   * @throws PolicyValidationException if what is stored does not decode (it was written around
   *     the repository)
   */
  public Optional<StoredDocument> get(Kind kind, String name) throws PolicyValidationException {
    String key = keys.policyKey(kind, name);
    GetResponse response = await(kv.get(bytes(key)), timeout, "get " + key);
    if (response.getKvs().isEmpty()) {
      return Optional.empty();
    }
    KeyValue stored = response.getKvs().get(0);
    PolicyResource resource = codec.decode(string(stored.getValue()));
    return Optional.of(new StoredDocument(key, resource, stored.getModRevision()));
  }

  /**
   * Every valid document of one kind, sorted by name. Documents the watcher would reject are left
   * out here too; {@link #loadSnapshot()} lists them with their reasons.
   */
  public List<StoredDocument> list(Kind kind) {
    String prefix = keys.kindPrefix(kind);
    GetResponse response = await(kv.get(bytes(prefix), GetOption.builder().isPrefix(true).build()),
        timeout, "list " + prefix);
    List<StoredDocument> documents = new ArrayList<>();
    for (KeyValue stored : response.getKvs()) {
      String key = string(stored.getKey());
      decoder
          .acceptedDocument(key, string(stored.getValue()), stored.getModRevision())
          .ifPresent(resource ->
              documents.add(new StoredDocument(key, resource, stored.getModRevision())));
    }
    documents.sort(Comparator.comparing(document -> document.resource().name()));
    return List.copyOf(documents);
  }

  /**
   * The whole policy and endpoint registry as one snapshot at the current revision, read and
   * decoded exactly as {@link EtcdPolicyWatcher} does (same rejections): what the xDS servers
   * publish once they have seen this revision.
   */
  public PolicySnapshot loadSnapshot() {
    var response = await(listing.read(kv), timeout, "list " + keys.prefix());
    PolicyView view = new PolicyView();
    listing.decode(response, view::put);
    return view.toSnapshot(response.getHeader().getRevision());
  }
}
