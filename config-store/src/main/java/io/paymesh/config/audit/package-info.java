/**
 * The audit log: one record per committed change, written by
 * {@link io.paymesh.config.store.PolicyRepository#commit} in the same etcd transaction as the
 * change, and read here ({@link io.paymesh.config.audit.AuditLog}).
 *
 * <p>Decisions worth knowing:
 *
 * <ul>
 *   <li>Records live at {@code <prefix>audit/<id>}, not at {@code audit/<revision>}: the revision
 *       of a transaction is assigned by etcd when it commits, so it cannot be part of a key written
 *       inside that transaction. The id ({@link io.paymesh.config.audit.AuditIds}) is time ordered
 *       and unique without coordination between writers.
 *   <li>An entry's revision is its key's {@code create_revision}, which etcd sets to the revision of
 *       the transaction that wrote it: the same number as the document's new mod revision (its
 *       ETag). Records are never rewritten, so it never changes, and it survives compaction.
 *   <li>Paging asks etcd to sort by create revision from a minimum create revision; etcd applies
 *       such filters to the whole prefix before the limit, so a page costs a scan of the audit
 *       prefix on the server. A commit's records share one revision and are never split between
 *       pages. Filtering by document happens here, on the decoded records.
 *   <li>{@code before}/{@code after} are the documents' canonical JSON (the form stored under
 *       {@code policy/}), embedded as JSON objects, so a rollback can decode them with the codec.
 *   <li>The store writes records with {@link io.paymesh.config.audit.AuditRecord}, and this package
 *       uses the store's key layout and {@link io.paymesh.config.store.Operation}: the two packages
 *       know each other on purpose, the record format living with its reader.
 * </ul>
 */
package io.paymesh.config.audit;
