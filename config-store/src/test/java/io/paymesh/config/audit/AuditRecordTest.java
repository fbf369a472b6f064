package io.paymesh.config.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymesh.config.model.Kind;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.store.Operation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditRecordTest {
  private static final Instant AT = Instant.parse("2026-11-23T03:00:00.123Z");
  private static final String BEFORE = "{\"kind\":\"Service\",\"name\":\"checkout\",\"spec\":{\"a\":1}}";
  private static final String AFTER = "{\"kind\":\"Service\",\"name\":\"checkout\",\"spec\":{\"a\":2}}";

  @Test
  void toJson_writesTheDocumentedFieldsWithDocumentsEmbedded() {
    AuditRecord record = new AuditRecord("alice", AT, Optional.of("PAY-123"),
        new ResourceKey(Kind.SERVICE, "checkout"), Operation.UPDATE, Optional.of(BEFORE),
        Optional.of(AFTER));

    assertThat(record.toJson()).isEqualTo("{\"actor\":\"alice\",\"at\":\"2026-11-23T03:00:00.123Z\","
        + "\"reason\":\"PAY-123\",\"kind\":\"Service\",\"name\":\"checkout\","
        + "\"operation\":\"UPDATE\",\"before\":" + BEFORE + ",\"after\":" + AFTER + "}");
  }

  @Test
  void toJson_leavesOutWhatIsAbsent() {
    AuditRecord record = new AuditRecord("system", AT, Optional.empty(),
        new ResourceKey(Kind.ROUTE_TABLE, "payments"), Operation.DELETE, Optional.of(BEFORE),
        Optional.empty());

    assertThat(record.toJson()).isEqualTo("{\"actor\":\"system\",\"at\":\"2026-11-23T03:00:00.123Z\","
        + "\"kind\":\"RouteTable\",\"name\":\"payments\",\"operation\":\"DELETE\",\"before\":"
        + BEFORE + "}");
  }

  @Test
  void identityOperations_roundTripWithoutDocuments_andChangeNoDocument() {
    for (Operation operation : List.of(Operation.ISSUE_JOIN_TOKEN, Operation.REVOKE_IDENTITY)) {
      AuditRecord record = new AuditRecord("alice", AT, Optional.of("CHG-7"),
          new ResourceKey(Kind.SERVICE, "checkout"), operation, Optional.empty(), Optional.empty());

      assertThat(record.toJson()).isEqualTo("{\"actor\":\"alice\",\"at\":\"2026-11-23T03:00:00.123Z\","
          + "\"reason\":\"CHG-7\",\"kind\":\"Service\",\"name\":\"checkout\",\"operation\":\""
          + operation.name() + "\"}");
      assertThat(AuditRecord.fromJson(record.toJson())).isEqualTo(record);
      assertThat(operation.changesDocument()).isFalse();
    }
    assertThat(List.of(Operation.CREATE, Operation.UPDATE, Operation.DELETE, Operation.ROLLBACK))
        .allMatch(Operation::changesDocument);
  }

  @Test
  void fromJson_readsBackTheSameRecord_withDocumentsVerbatim() {
    AuditRecord record = new AuditRecord("alice", AT, Optional.of("why"),
        new ResourceKey(Kind.AUTHORIZATION_POLICY, "callers"), Operation.ROLLBACK,
        Optional.empty(), Optional.of(AFTER));

    AuditRecord read = AuditRecord.fromJson(record.toJson());

    assertThat(read).isEqualTo(record);
    assertThat(read.at(42)).isEqualTo(new AuditEntry(42, AT, "alice", Optional.of("why"),
        new ResourceKey(Kind.AUTHORIZATION_POLICY, "callers"), Operation.ROLLBACK,
        Optional.empty(), Optional.of(AFTER)));
  }

  @Test
  void anApprovedChange_recordsTheApproverAndTheirReason() {
    AuditRecord record = new AuditRecord("sam", AT, Optional.of("CHG-42"),
        new ResourceKey(Kind.AUTHORIZATION_POLICY, "callers"), Operation.UPDATE,
        Optional.of(AFTER), Optional.of(AFTER), Optional.of(new Approval("sue", "reviewed")));

    assertThat(record.toJson()).contains("\"approvedBy\":\"sue\",\"approvalReason\":\"reviewed\"");
    assertThat(AuditRecord.fromJson(record.toJson())).isEqualTo(record);
    assertThat(AuditRecord.fromJson(record.toJson()).at(7).approval())
        .contains(new Approval("sue", "reviewed"));
  }

  @Test
  void fromJson_rejectsValuesThatAreNotAuditRecords() {
    assertThatThrownBy(() -> AuditRecord.fromJson("{\"who\":\"me\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("kind: required string");
    assertThatThrownBy(() -> AuditRecord.fromJson("[1]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a JSON object");
  }

  @Test
  void ids_ofOneCommit_areDistinctTimeOrderedKeySegments() {
    List<String> ids = AuditIds.forCommit(AT, 3);
    List<String> later = AuditIds.forCommit(AT.plusMillis(1), 1);

    assertThat(ids).doesNotHaveDuplicates().isSorted().allMatch(id -> id.matches(
        "1795402800123-[0-9a-f]{12}-00[0-2]"));
    assertThat(later.get(0)).isGreaterThan(ids.get(2));
  }
}
