package io.paymesh.xds;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.codahale.metrics.MetricRegistry;
import io.paymesh.xds.metrics.XdsMetrics;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.config.store.RejectedDocument;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DamagedDocumentReportTest {
  private static final String KEY = "/paymesh/policy/services/checkout";

  private final MetricRegistry metrics = new MetricRegistry();
  private final DamagedDocumentReport report =
      new DamagedDocumentReport(new XdsMetrics(metrics));
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(DamagedDocumentReport.class);

  @BeforeEach
  void capture() {
    log.start();
    logger.addAppender(log);
  }

  @AfterEach
  void release() {
    logger.detachAppender(log);
  }

  private static PolicySnapshot with(long revision, RejectedDocument... damaged) {
    PolicySnapshot.Builder builder = PolicySnapshot.builder(revision);
    for (RejectedDocument document : damaged) {
      builder.reject(document);
    }
    return builder.build();
  }

  private List<String> lines() {
    return log.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
  }

  private int gauge(String name) {
    return ((Number) metrics.getGauges().get(name).getValue()).intValue();
  }

  @Test
  void damagedDocument_isLoggedOncePerChange_andCounted() {
    RejectedDocument kept = new RejectedDocument(KEY, 12, List.of("ports: required")).keeping(9);

    report.update(with(12, kept));
    report.update(with(13, kept));

    assertThat(lines()).containsExactly("WARN Damaged document " + KEY + " at revision 12: "
        + "serving its last good version of revision 9 until repaired or deleted; "
        + "reasons: ports: required");
    assertThat(gauge(DamagedDocumentReport.DAMAGED)).isEqualTo(1);
    assertThat(gauge(DamagedDocumentReport.NOTHING_KEPT)).isZero();

    report.update(with(14, new RejectedDocument(KEY, 14, List.of("x: unknown field")).keeping(9)));
    assertThat(lines()).hasSize(2);
    assertThat(lines().get(1)).contains("at revision 14").contains("x: unknown field");
  }

  @Test
  void damagedDocumentWithNothingKept_isAnError_andCountedApart() {
    report.update(with(5, new RejectedDocument(KEY, 5, List.of("kind: required"))));

    assertThat(lines()).singleElement().satisfies(line -> assertThat(line)
        .startsWith("ERROR Damaged document " + KEY + " at revision 5 has no last good version"));
    assertThat(gauge(DamagedDocumentReport.DAMAGED)).isEqualTo(1);
    assertThat(gauge(DamagedDocumentReport.NOTHING_KEPT)).isEqualTo(1);
  }

  @Test
  void repairedDocument_isLogged_andNoLongerCounted() {
    report.update(with(5, new RejectedDocument(KEY, 5, List.of("kind: required"))));

    report.update(with(6));

    assertThat(lines().get(1)).isEqualTo("INFO " + KEY + " is no longer damaged (revision 6)");
    assertThat(gauge(DamagedDocumentReport.DAMAGED)).isZero();
    assertThat(gauge(DamagedDocumentReport.NOTHING_KEPT)).isZero();
  }

  @Test
  void reasons_areEscapedAndBounded() {
    String forged = "x\nINFO forged line " + "y".repeat(5000);

    report.update(with(5, new RejectedDocument(KEY, 5, List.of(forged))));

    String line = lines().get(0);
    assertThat(line).doesNotContain("\n").contains("x\\u000aINFO forged line");
    assertThat(line.length()).isLessThan(1400);
  }
}
