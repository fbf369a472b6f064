package io.paymesh.admin.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own error answers in the API's JSON error shape ({@code {"code":431,"message":...,
 * "errors":[]}}) instead of its HTML pages: requests Jetty cannot parse (400 bad URI, 414 URI too
 * long, 431 headers too large: written before any servlet runs, through {@link #badMessageError})
 * and errors a servlet or filter sends ({@code sendError}: unknown paths, 405, 500). Jetty's
 * reason is kept only when it is a short plain phrase of its own (e.g. "Ambiguous URI path
 * separator"); otherwise the status's standard phrase, so no request content is echoed.
 */
public final class JsonErrorHandler extends ErrorHandler {

  private static final Pattern PLAIN_REASON = Pattern.compile("[A-Za-z0-9 ,.:()<>=-]{1,100}");

  public JsonErrorHandler() {
    setShowStacks(false);
    setShowServlet(false);
    setCacheControl(SecurityHeaders.NO_STORE);
  }

  /** Errors of every method get a body (Jetty's default skips some). */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
      HttpServletResponse response, int code, String message) throws IOException {
    baseRequest.setHandled(true);
    JsonErrors.write(response, code, message(code, message));
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, JsonErrors.CONTENT_TYPE);
    SecurityHeaders.apply(fields);
    return ByteBuffer.wrap(JsonErrors.body(status, message(status, reason)));
  }

  static String message(int status, String reason) {
    String phrase = HttpStatus.getMessage(status);
    String detail = switch (status) {
      case HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431 ->
          "the request headers are larger than this server accepts";
      case HttpStatus.URI_TOO_LONG_414 -> "the request URI is longer than this server accepts";
      case HttpStatus.NOT_FOUND_404 -> "no such endpoint";
      case HttpStatus.METHOD_NOT_ALLOWED_405 -> "the endpoint does not take this method";
      case HttpStatus.INTERNAL_SERVER_ERROR_500 -> "internal error";
      default -> reason != null && PLAIN_REASON.matcher(reason).matches()
          && !reason.equals(phrase) ? reason : null;
    };
    return detail == null ? phrase : phrase + ": " + detail;
  }
}
