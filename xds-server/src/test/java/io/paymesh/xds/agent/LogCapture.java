package io.paymesh.xds.agent;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Every log event of every logger while open, as text with its stack trace, for assertions. */
final class LogCapture implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  LogCapture() {
    appender.start();
    root.addAppender(appender);
  }

  /** "LEVEL message" plus the throwable, if any, one string per event. */
  List<String> lines() {
    synchronized (appender) { // AppenderBase.doAppend holds this lock while adding
      return appender.list.stream()
          .map(e -> e.getLevel() + " " + e.getFormattedMessage()
              + (e.getThrowableProxy() == null ? ""
                  : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())))
          .toList();
    }
  }

  @Override
  public void close() {
    root.detachAppender(appender);
  }
}
