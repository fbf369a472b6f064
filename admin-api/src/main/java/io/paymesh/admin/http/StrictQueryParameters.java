package io.paymesh.admin.http;

import io.paymesh.admin.api.ErrorDetail;
import io.paymesh.admin.errors.ApiException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.MultivaluedMap;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Strict query strings on every endpoint. The parameters an endpoint takes are the
 * {@code @QueryParam}s of its resource method (the one declaration, which the OpenAPI file must
 * match, see OpenApiCoverageTest); this feature checks each request against them before the
 * method runs, because JAX-RS itself is lenient in ways that matter here: an unknown or
 * misspelled parameter is ignored, {@code ?dryRun=yes} is {@code false} (the write is committed),
 * a repeated parameter silently takes its first value, and a malformed number is a 404. Here each
 * of those is a 400 naming the parameter:
 * <ul>
 *   <li>a parameter the endpoint does not take;</li>
 *   <li>a parameter given more than once (unless it is declared as a collection);</li>
 *   <li>a boolean other than exactly {@code true} or {@code false};</li>
 *   <li>an integer that is not plain decimal digits (optionally {@code -}) within the range of
 *       its Java type; ranges narrower than the type are the resource's to check.</li>
 * </ul>
 */
public final class StrictQueryParameters implements DynamicFeature {

  private static final Pattern DECIMAL = Pattern.compile("-?[0-9]{1,19}");
  private static final int MAX_NAME_SHOWN = 64;

  @Override
  public void configure(ResourceInfo resource, FeatureContext context) {
    Method method = resource.getResourceMethod();
    if (method == null) {
      return;
    }
    context.register(new Check(declaredIn(method)));
  }

  /** Parameter name to its Java type, for one resource method. */
  public static Map<String, Class<?>> declaredIn(Method method) {
    Map<String, Class<?>> declared = new TreeMap<>();
    for (Parameter parameter : method.getParameters()) {
      QueryParam query = parameter.getAnnotation(QueryParam.class);
      if (query != null) {
        declared.put(query.value(), parameter.getType());
      }
    }
    return declared;
  }

  /** The check for one endpoint; runs after authentication, before the body is read. */
  @Priority(Priorities.HEADER_DECORATOR)
  static final class Check implements ContainerRequestFilter {
    private final Map<String, Class<?>> declared;

    Check(Map<String, Class<?>> declared) {
      // Sorted, for the list of allowed names in messages.
      this.declared = Collections.unmodifiableMap(new TreeMap<>(declared));
    }

    @Override
    public void filter(ContainerRequestContext request) {
      MultivaluedMap<String, String> query = request.getUriInfo().getQueryParameters(true);
      for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
        check(parameter.getKey(), parameter.getValue());
      }
    }

    private void check(String name, List<String> values) {
      Class<?> type = declared.get(name);
      if (type == null) {
        throw refused(name, "unknown query parameter " + shown(name) + "; this endpoint takes "
            + (declared.isEmpty() ? "none" : String.join(", ", declared.keySet())));
      }
      if (Collection.class.isAssignableFrom(type)) {
        return;
      }
      if (values.size() > 1) {
        throw refused(name, "query parameter " + name + " is given " + values.size()
            + " times; it takes one value");
      }
      String value = values.isEmpty() ? "" : values.get(0);
      if (type == boolean.class || type == Boolean.class) {
        if (!value.equals("true") && !value.equals("false")) {
          throw refused(name, "query parameter " + name + " must be true or false");
        }
      } else if (type == long.class || type == Long.class) {
        requireInteger(name, value, Long.MIN_VALUE, Long.MAX_VALUE);
      } else if (type == int.class || type == Integer.class) {
        requireInteger(name, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
      }
    }

    private static void requireInteger(String name, String value, long min, long max) {
      boolean valid = DECIMAL.matcher(value).matches();
      if (valid) {
        try {
          long parsed = Long.parseLong(value);
          valid = parsed >= min && parsed <= max;
        } catch (NumberFormatException e) {
          valid = false; // 19 digits beyond the range of a long
        }
      }
      if (!valid) {
        throw refused(name, "query parameter " + name + " must be an integer between " + min
            + " and " + max);
      }
    }

    private static String shown(String name) {
      return name.length() <= MAX_NAME_SHOWN ? name : name.substring(0, MAX_NAME_SHOWN) + "...";
    }

    private static ApiException refused(String name, String message) {
      return new ApiException(400, message, List.of(new ErrorDetail(shown(name), message)));
    }
  }
}
