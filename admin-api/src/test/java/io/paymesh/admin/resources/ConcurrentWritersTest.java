package io.paymesh.admin.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.testing.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fifty operators edit one document at the same time, each the way a client should: GET, add
 * its own element, PUT with If-Match, and on 412 start over. Every one of the fifty additions
 * must be in the final document (no lost update) and in the audit log.
 */
class ConcurrentWritersTest {

  private static final int WRITERS = 50;
  /** Each round at least one writer wins, so WRITERS attempts always suffice; twice that is slack. */
  private static final int MAX_ATTEMPTS = 2 * WRITERS;
  private static final String PATH = "/v1/ratelimitpolicies/fraud-limits";
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP = AdminApp.extension(ETCD);

  private static final Http HTTP = new Http(() -> APP.getLocalPort());

  @Test
  void fiftyWriters_withIfMatchAndRetry_loseNoUpdate() throws Exception {
    // A small policy keeps each write's plan cheap; the contention is what is tested.
    ETCD.deleteAll();
    Http.Reply created = HTTP.post("/v1/apply").token(TestTokens.OPERATOR).yaml("""
        kind: Service
        name: fraud
        spec:
          ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
          identity: spiffe://paymesh.local/ns/payments/sa/fraud
          pciScope: NONE
          dependencies: []
        ---
        kind: RateLimitPolicy
        name: fraud-limits
        spec:
          service: fraud
          limits:
            - {name: base, key: {caller: true}, tokens: 10, interval: 1s, burst: 10}
        """).send();
    assertThat(created.status()).as(created.toString()).isEqualTo(200);

    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> attempts = new ArrayList<>();
    try {
      for (int i = 0; i < WRITERS; i++) {
        String limit = "w-" + i;
        attempts.add(pool.submit(() -> {
          start.await();
          return addLimit(limit);
        }));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> f : attempts) {
        total += f.get(90, TimeUnit.SECONDS);
      }
      // Some writers must have lost a race and retried, or the test proved nothing.
      assertThat(total).isGreaterThan(WRITERS);
    } finally {
      pool.shutdownNow();
    }

    JsonNode limits = HTTP.get(PATH).token(TestTokens.VIEWER).send().json().path("spec").path("limits");
    TreeSet<String> names = new TreeSet<>();
    limits.forEach(l -> names.add(l.path("name").asText()));
    TreeSet<String> expected = new TreeSet<>();
    expected.add("base");
    for (int i = 0; i < WRITERS; i++) {
      expected.add("w-" + i);
    }
    assertThat(names).isEqualTo(expected);

    JsonNode audit = HTTP.get("/v1/audit?kind=ratelimitpolicies&name=fraud-limits&limit=500")
        .token(TestTokens.VIEWER).send().json().path("entries");
    assertThat(audit).hasSize(WRITERS + 1);
    List<String> operations = new ArrayList<>();
    audit.forEach(e -> operations.add(e.path("operation").asText()));
    assertThat(operations.subList(1, operations.size())).containsOnly("UPDATE");
  }

  /** GET, add one limit, PUT If-Match; retry on 412. Returns the number of attempts. */
  private static int addLimit(String name) {
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Http.Reply current = HTTP.get(PATH).token(TestTokens.OPERATOR).send();
      ObjectNode document = (ObjectNode) current.json();
      ArrayNode limits = (ArrayNode) document.path("spec").path("limits");
      ObjectNode limit = limits.addObject();
      limit.put("name", name);
      limit.putObject("key").put("header", "x-merchant-id");
      limit.put("tokens", 5).put("interval", "1s").put("burst", 5);
      Http.Reply put = HTTP.put(PATH).token(TestTokens.OPERATOR).ifMatch(current.etag())
          .json(document.toString()).send();
      if (put.status() == 200) {
        return attempt;
      }
      if (put.status() != 412) {
        throw new AssertionError("writer " + name + ": " + put);
      }
    }
    throw new AssertionError("writer " + name + " did not succeed in " + MAX_ATTEMPTS + " attempts");
  }
}
