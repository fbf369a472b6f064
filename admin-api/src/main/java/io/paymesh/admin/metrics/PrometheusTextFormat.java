package io.paymesh.admin.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Renders a Dropwizard {@link MetricRegistry} in the Prometheus text exposition format 0.0.4, so
 * a Prometheus server can scrape the admin port without an agent. Counters and meters become
 * counters ({@code _total}), numeric gauges gauges, histograms and timers summaries (timers in
 * seconds). Dots and other characters Prometheus does not allow in names become underscores.
 */
public final class PrometheusTextFormat {

  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final double[] QUANTILES = {0.5, 0.75, 0.95, 0.98, 0.99, 0.999};
  private static final double NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

  private PrometheusTextFormat() {}

  public static String render(MetricRegistry registry) {
    StringBuilder out = new StringBuilder();
    // Two Dropwizard names can sanitize to one Prometheus name; Prometheus rejects a scrape with
    // a family twice, so the first (in sorted order) wins.
    Set<String> families = new HashSet<>();
    for (Map.Entry<String, Counter> e : registry.getCounters().entrySet()) {
      String name = sanitize(e.getKey()) + "_total";
      if (families.add(name)) {
        family(out, name, "counter", e.getKey());
        sample(out, name, "", e.getValue().getCount());
      }
    }
    for (Map.Entry<String, Gauge> e : registry.getGauges().entrySet()) {
      Object value = e.getValue().getValue();
      String name = sanitize(e.getKey());
      Double number = numeric(value);
      if (number != null && families.add(name)) {
        family(out, name, "gauge", e.getKey());
        sample(out, name, "", number);
      }
    }
    for (Map.Entry<String, Meter> e : registry.getMeters().entrySet()) {
      String name = sanitize(e.getKey()) + "_total";
      if (families.add(name)) {
        family(out, name, "counter", e.getKey());
        sample(out, name, "", e.getValue().getCount());
      }
    }
    for (Map.Entry<String, Histogram> e : registry.getHistograms().entrySet()) {
      String name = sanitize(e.getKey());
      if (families.add(name)) {
        summary(out, name, e.getKey(), e.getValue().getSnapshot(), e.getValue().getCount(), 1.0);
      }
    }
    for (Map.Entry<String, Timer> e : registry.getTimers().entrySet()) {
      String name = sanitize(e.getKey()) + "_seconds";
      if (families.add(name)) {
        summary(out, name, e.getKey(), e.getValue().getSnapshot(), e.getValue().getCount(),
            1.0 / NANOS_PER_SECOND);
      }
    }
    return out.toString();
  }

  /** Prometheus metric names: {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
  static String sanitize(String name) {
    StringBuilder s = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
          || (i > 0 && c >= '0' && c <= '9');
      s.append(allowed ? c : '_');
    }
    return s.toString();
  }

  private static void summary(StringBuilder out, String name, String source, Snapshot snapshot,
      long count, double scale) {
    family(out, name, "summary", source);
    for (double q : QUANTILES) {
      sample(out, name, "{quantile=\"" + q + "\"}", snapshot.getValue(q) * scale);
    }
    // The reservoir knows only a sample; mean x count estimates the sum Prometheus expects.
    sample(out, name + "_sum", "", snapshot.getMean() * scale * count);
    sample(out, name + "_count", "", count);
  }

  private static Double numeric(Object value) {
    if (value instanceof Number) {
      return ((Number) value).doubleValue();
    }
    if (value instanceof Boolean) {
      return ((Boolean) value) ? 1.0 : 0.0;
    }
    return null;
  }

  private static void family(StringBuilder out, String name, String type, String source) {
    out.append("# HELP ").append(name).append(" Dropwizard metric ").append(escapeHelp(source)).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(StringBuilder out, String name, String labels, double value) {
    out.append(name).append(labels).append(' ').append(format(value)).append('\n');
  }

  static String format(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return String.format(Locale.ROOT, "%d", (long) value);
    }
    return Double.toString(value);
  }

  private static String escapeHelp(String text) {
    return text.replace("\\", "\\\\").replace("\n", "\\n");
  }
}
