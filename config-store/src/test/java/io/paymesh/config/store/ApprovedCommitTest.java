package io.paymesh.config.store;

import static io.paymesh.config.store.TestDocuments.PREFIX;
import static io.paymesh.config.store.TestDocuments.exists;
import static io.paymesh.config.store.TestDocuments.put;
import static io.paymesh.config.store.TestDocuments.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymesh.config.audit.Approval;
import io.paymesh.config.audit.AuditEntry;
import io.paymesh.config.audit.AuditLog;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.testing.EtcdExtension;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An approved proposal commits in the same transaction that deletes it: at most once, never after
 * it was withdrawn or replaced, with the approval in the audit record.
 */
class ApprovedCommitTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final ResourceKey CHECKOUT = new ResourceKey(Kind.SERVICE, "checkout");
  private static final String PROPOSAL = PREFIX + "proposals/" + "a".repeat(32);
  private static final Actor SAM = new Actor("sam", "CHG-42");
  private static final Approval SUE = new Approval("sue", "CHG-42 reviewed");

  private PolicyRepository repository;
  private AuditLog audit;

  @BeforeEach
  void setUp() throws Exception {
    ETCD.deleteAll();
    repository = new PolicyRepository(ETCD.client(), PREFIX, new PolicyCodec());
    audit = new AuditLog(ETCD.client(), PREFIX);
  }

  @Test
  void theCommitDeletesTheProposal_andRecordsBothActors() throws Exception {
    long proposal = put(ETCD.client(), PROPOSAL, "{}");

    CommitResult result = repository.commitApproved(
        List.of(Change.put(service("checkout", List.of()), new Precondition.Absent())), SAM, false,
        new ProposalApproval(PROPOSAL, proposal, SUE), Optional.empty());

    assertThat(exists(ETCD.client(), PROPOSAL)).isFalse();
    AuditEntry entry = audit.at(CHECKOUT, result.revision()).orElseThrow();
    assertThat(entry.actor()).isEqualTo("sam");
    assertThat(entry.reason()).contains("CHG-42");
    assertThat(entry.approval()).contains(SUE);
  }

  @Test
  void aProposalReplacedOrGoneCommitsNothing() throws Exception {
    long proposal = put(ETCD.client(), PROPOSAL, "{}");
    put(ETCD.client(), PROPOSAL, "{\"replaced\":true}");
    long before = ETCD.currentRevision();

    assertThatThrownBy(() -> repository.commitApproved(
        List.of(Change.put(service("checkout", List.of()), new Precondition.Absent())), SAM, false,
        new ProposalApproval(PROPOSAL, proposal, SUE), Optional.empty()))
        .isInstanceOf(ProposalGoneException.class)
        .hasMessageContaining("no longer pending");

    assertThat(ETCD.currentRevision()).isEqualTo(before);
    assertThat(repository.get(Kind.SERVICE, "checkout")).isEmpty();
    assertThat(audit.page(Optional.empty(), 0, 10).entries()).isEmpty();
  }
}
