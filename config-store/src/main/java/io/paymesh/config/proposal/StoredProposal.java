package io.paymesh.config.proposal;

/** A proposal as read from etcd, with the mod revision an approval must still find. */
public record StoredProposal(Proposal proposal, long modRevision) {}
