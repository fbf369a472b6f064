package io.paymesh.admin.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.KindSamples;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.testing.EtcdExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Query strings are parsed strictly on every endpoint: unknown, repeated and malformed parameters
 * are 400 naming the parameter, and a refused write changes nothing in etcd.
 */
class StrictQueryParametersTest {

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP =
      AdminApp.extensionWithoutFourEyes(ETCD);

  private static final Http HTTP = new Http(() -> APP.getLocalPort());
  private static final KindSamples SAMPLE = KindSamples.ROUTE_TABLE;

  @BeforeEach
  void baseline() throws Exception {
    AdminApp.resetToBaseline(ETCD, HTTP);
  }

  @ParameterizedTest
  @ValueSource(strings = {"yes", "1", "on", "TRUE", "True", "", "false,true"})
  void dryRun_otherThanTrueOrFalse_is400_andWritesNothing(String value) throws Exception {
    long before = ETCD.currentRevision();

    Http.Reply put = HTTP.put(SAMPLE.path() + "?dryRun=" + value).token(SAMPLE.token())
        .header("If-None-Match", "*").yaml(SAMPLE.first()).send();
    Http.Reply delete = HTTP.delete("/v1/routetables/payments?dryRun=" + value)
        .token(TestTokens.OPERATOR).ifMatch(HTTP.get("/v1/routetables/payments")
            .token(TestTokens.VIEWER).send().etag()).send();

    for (Http.Reply reply : new Http.Reply[] {put, delete}) {
      assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
      assertThat(reply.json().path("message").asText())
          .isEqualTo("query parameter dryRun must be true or false");
      assertThat(reply.json().path("errors").get(0).path("path").asText()).isEqualTo("dryRun");
    }
    assertThat(ETCD.currentRevision()).isEqualTo(before);
  }

  @Test
  void dryRun_true_writesNothing_andFalse_writes() throws Exception {
    long before = ETCD.currentRevision();
    Http.Reply dry = HTTP.put(SAMPLE.path() + "?dryRun=true").token(SAMPLE.token())
        .yaml(SAMPLE.first()).send();
    assertThat(dry.status()).as(dry.toString()).isEqualTo(200);
    assertThat(ETCD.currentRevision()).isEqualTo(before);

    Http.Reply real = HTTP.put(SAMPLE.path() + "?dryRun=false").token(SAMPLE.token())
        .header("If-None-Match", "*").yaml(SAMPLE.first()).send();
    assertThat(real.status()).as(real.toString()).isEqualTo(201);
  }

  @Test
  void unknownParameter_is400NamingIt_onEveryEndpoint() throws Exception {
    long before = ETCD.currentRevision();
    String[][] requests = {
        {"GET", "/v1/services?nameprefix=pay", "nameprefix", "host, namePrefix, pciScope, service"},
        {"GET", "/v1/services/ledger?verbose=true", "verbose", "none"},
        {"GET", "/v1/audit?after=0&page=2", "page", "after, kind, limit, name"},
        {"GET", "/v1/proposals?all=true", "all", "none"},
        {"GET", "/v1/proxies?x=1", "x", "none"},
        {"PUT", SAMPLE.path() + "?dry_run=true", "dry_run", "dryRun"},
        {"POST", "/v1/apply?force=true", "force", "none"},
    };
    for (String[] r : requests) {
      Http.Request request = HTTP.method(r[0], r[1]).token(TestTokens.ADMIN);
      if (!r[0].equals("GET")) {
        request.header("If-None-Match", "*").yaml(SAMPLE.first());
      }
      Http.Reply reply = request.send();
      assertThat(reply.status()).as(r[1] + " " + reply).isEqualTo(400);
      assertThat(reply.json().path("message").asText()).isEqualTo(
          "unknown query parameter " + r[2] + "; this endpoint takes " + r[3]);
    }
    assertThat(ETCD.currentRevision()).isEqualTo(before);
  }

  @Test
  void repeatedParameter_is400() {
    Http.Reply reply = HTTP.get("/v1/services?namePrefix=a&namePrefix=b")
        .token(TestTokens.VIEWER).send();

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().path("message").asText())
        .isEqualTo("query parameter namePrefix is given 2 times; it takes one value");
  }

  @ParameterizedTest
  @ValueSource(strings = {"after=abc", "after=1.5", "after=+3", "after=9223372036854775808",
      "after=99999999999999999999", "limit=2147483648", "limit=0x10", "limit= 5"})
  void malformedOrOutOfRangeIntegers_are400(String query) {
    Http.Reply reply = HTTP.get("/v1/audit?" + query.replace(" ", "%20"))
        .token(TestTokens.VIEWER).send();

    assertThat(reply.status()).as(query).isEqualTo(400);
    String name = query.substring(0, query.indexOf('='));
    assertThat(reply.json().path("message").asText())
        .startsWith("query parameter " + name + " must be an integer between");
  }

  @Test
  void audit_afterTheLargestRevision_isAnEmptyPage() {
    Http.Reply all = HTTP.get("/v1/audit?after=0").token(TestTokens.VIEWER).send();
    assertThat(all.json().path("entries")).isNotEmpty();

    Http.Reply max = HTTP.get("/v1/audit?after=" + Long.MAX_VALUE).token(TestTokens.VIEWER)
        .send();

    assertThat(max.status()).isEqualTo(200);
    assertThat(max.json().path("entries")).isEmpty();
    assertThat(max.json().path("nextAfter").isNull()).isTrue();
  }

  @Test
  void rollback_to_isParsedStrictly() throws Exception {
    long before = ETCD.currentRevision();
    Http.Reply reply = HTTP.post("/v1/routetables/payments/rollback?to=1e3")
        .token(TestTokens.OPERATOR).reason("strict").send();

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().path("message").asText())
        .startsWith("query parameter to must be an integer");
    assertThat(ETCD.currentRevision()).isEqualTo(before);
  }
}
