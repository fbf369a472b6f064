/**
 * The etcd policy store: the key layout ({@link io.paymesh.config.store.KeyLayout}), the read side
 * ({@link io.paymesh.config.store.EtcdPolicyWatcher} -> {@link io.paymesh.config.store.PolicySnapshot})
 * and the write side ({@link io.paymesh.config.store.PolicyRepository},
 * {@link io.paymesh.config.store.EndpointRegistry}).
 *
 * <p>Decisions worth knowing:
 *
 * <ul>
 *   <li>A document in etcd that fails decoding, validation, or does not match its key
 *       ({@code policy/<kind-segment>/<name>}) is damaged: it is listed in
 *       {@link io.paymesh.config.store.PolicySnapshot#rejected()} with every reason, and its last
 *       good version (remembered by the watcher, or found at most 10 versions back in etcd's
 *       history, see {@link io.paymesh.config.store.RejectedDocument}) stays in the snapshot in
 *       its place; with none, it is left out. The rest of the policy still applies. Whole-mesh
 *       consistency, also of a kept version with newer documents, is the Gate's job, not the
 *       store's.
 *   <li>The watcher lists policy and endpoints in one read-only transaction (one revision R) and
 *       watches the whole prefix from R+1. Events are coalesced: the first event of a burst opens
 *       a window, and one snapshot is built when it closes. Snapshots equal in content to the last
 *       one are not published, so status/audit writes and no-op rewrites push nothing.
 *   <li>When the watch breaks, the last snapshot stays published; the watch resumes from the last
 *       applied revision + 1 (backoff 100ms..5s). If that revision is compacted (or in the future,
 *       after etcd lost data) the watcher lists again and logs what changed.
 *   <li>Endpoint registrations live under leases; if a lease is lost while etcd was unreachable,
 *       the registration is made again under a new lease.
 *   <li>The repository validates by round-tripping each document through the codec before writing,
 *       so anything it writes is read back identically by the watcher.
 *   <li>Every write is one {@link io.paymesh.config.store.PolicyRepository#commit}: read the touched
 *       documents, then one transaction that compares each one's mod revision with what was read
 *       (0 = absent) and writes the documents plus one audit record per change (and, under an
 *       idempotency key, the key's record, see {@link io.paymesh.config.idempotency}). Preconditions
 *       (ETags) are checked against that read; a lost race re-reads, so a stale ETag always ends in
 *       {@link io.paymesh.config.store.PreconditionFailedException} and never in a lost update. At
 *       most 40 changes per commit (2 operations each, under etcd's default 128).
 *   <li>{@code loadSnapshot} shares the watcher's listing and decoding, so it rejects exactly the
 *       documents the watcher rejects, and keeps the last good versions etcd's history holds.
 * </ul>
 */
package io.paymesh.config.store;
