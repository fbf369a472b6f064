package io.paymesh.admin.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.paymesh.admin.http.CredentialParameters;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

/**
 * Keeps credentials out of every log of the admin API, whatever levels an operator turns on.
 * <ol>
 *   <li>The loggers that see raw HTTP traffic (Jetty, Jersey, Dropwizard's Jersey and Jetty glue)
 *       are capped at INFO: at DEBUG they print request headers, {@code Authorization}
 *       included. Their events below INFO are dropped even if their level is lowered.</li>
 *   <li>Any other event whose message carries an {@code Authorization}/{@code Bearer} credential
 *       or a credential query parameter ({@link CredentialParameters}) is re-logged with the
 *       secret replaced by {@value CredentialParameters#REDACTED} (its exception, whose text is
 *       not inspected, is left out).</li>
 * </ol>
 * Installed on the logger context by {@link #install(LoggerContext)}, after Dropwizard configured
 * logging (which resets turbo filters).
 */
public final class CredentialLogGuard extends TurboFilter {

  /** Logger name prefixes that log HTTP requests and headers at DEBUG/TRACE. */
  public static final List<String> WIRE_LOGGERS = List.of("org.eclipse.jetty", "org.glassfish",
      "io.dropwizard.jersey", "io.dropwizard.jetty", "io.dropwizard.auth");

  private static final Pattern BEARER = Pattern.compile(
      "(?i)(authorization\\s*[:=]\\s*(?:bearer\\s+)?|bearer\\s+)[^\\s,;\"'\\]}]+");
  private static final Pattern QUERY_CREDENTIAL = Pattern.compile(
      "(?i)([?&;](?:" + String.join("|", CredentialParameters.NAMES) + ")=)[^&\\s\"'#]*");

  private final ThreadLocal<Boolean> relogging = ThreadLocal.withInitial(() -> false);

  public static void install(LoggerContext context) {
    if (context.getTurboFilterList().stream().noneMatch(CredentialLogGuard.class::isInstance)) {
      CredentialLogGuard guard = new CredentialLogGuard();
      guard.setContext(context);
      guard.start();
      context.addTurboFilter(guard);
    }
  }

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format,
      Object[] params, Throwable t) {
    if (level != null && !level.isGreaterOrEqual(Level.INFO) && isWire(logger.getName())) {
      // Also for isDebugEnabled() (format null): Jetty then skips building the message.
      return FilterReply.DENY;
    }
    if (relogging.get() || format == null) {
      return FilterReply.NEUTRAL;
    }
    if (level == null || !logger.isEnabledFor(level)) {
      return FilterReply.NEUTRAL; // not logged anyway: do not format it
    }
    String message = MessageFormatter.arrayFormat(format, params).getMessage();
    String redacted = redact(message);
    if (redacted.equals(message)) {
      return FilterReply.NEUTRAL;
    }
    relogging.set(true);
    try {
      logger.log(marker, Logger.FQCN, Level.toLocationAwareLoggerInteger(level), redacted, null,
          null);
    } finally {
      relogging.set(false);
    }
    return FilterReply.DENY;
  }

  /** The text with every credential value replaced. */
  public static String redact(String text) {
    String once = replace(BEARER, text);
    return replace(QUERY_CREDENTIAL, once);
  }

  private static String replace(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    return matcher.find()
        ? matcher.replaceAll(m -> Matcher.quoteReplacement(m.group(1)
            + CredentialParameters.REDACTED))
        : text;
  }

  private static boolean isWire(String loggerName) {
    for (String prefix : WIRE_LOGGERS) {
      if (loggerName.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
