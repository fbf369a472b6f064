package io.paymesh.xds.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.slf4j.LoggerFactory;

/**
 * Every log event of every logger while open, as text with its stack trace, for assertions: a
 * test reads what an operator would find in the log (no secret, no forged line, no flood).
 * grpc-java logs through java.util.logging, which reaches stderr next to logback's lines, so
 * its records are captured too.
 */
public final class LogCapture implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
  /** java.util.logging's lines, each with the name of its logger. */
  private final List<Map.Entry<String, String>> julLines = new ArrayList<>();
  private final Handler julHandler = new Handler() {
    private final SimpleFormatter formatter = new SimpleFormatter();

    @Override
    public void publish(LogRecord record) {
      StringWriter trace = new StringWriter();
      if (record.getThrown() != null) {
        record.getThrown().printStackTrace(new PrintWriter(trace));
      }
      String line = record.getLevel() + " " + formatter.formatMessage(record)
          + (trace.toString().isEmpty() ? "" : "\n" + trace);
      String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
      synchronized (julLines) {
        julLines.add(Map.entry(logger, line));
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  public LogCapture() {
    appender.start();
    root.addAppender(appender);
    julRoot.addHandler(julHandler);
  }

  /**
   * "LEVEL message" plus the throwable, if any, one string per event: logback's events first,
   * then java.util.logging's.
   */
  public List<String> lines() {
    return linesExcept(logger -> false);
  }

  /**
   * {@link #lines()} without the events of loggers the test is not about, e.g. a file watcher
   * another test class left running in this JVM.
   */
  public List<String> linesExcept(Predicate<String> loggerName) {
    List<String> lines = new ArrayList<>();
    synchronized (appender) { // AppenderBase.doAppend holds this lock while adding
      appender.list.stream()
          .filter(e -> !loggerName.test(e.getLoggerName()))
          .map(e -> e.getLevel() + " " + e.getFormattedMessage()
              + (e.getThrowableProxy() == null ? ""
                  : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())))
          .forEach(lines::add);
    }
    synchronized (julLines) {
      julLines.stream().filter(e -> !loggerName.test(e.getKey()))
          .forEach(e -> lines.add(e.getValue()));
    }
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    julRoot.removeHandler(julHandler);
  }
}
