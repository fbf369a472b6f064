package io.paymesh.config.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Collects validation errors under a path, shared by the codec (structure) and the validators
 * (rules). Children share one error list, so a whole document's errors end up in one place.
 */
public final class ErrorCollector {
  /** A list element is named by its {@code name} only when that reads well inside a path. */
  private static final Pattern PATH_SAFE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,253}");

  private final List<ValidationError> errors;
  private final String path;

  public ErrorCollector() {
    this(new ArrayList<>(), "");
  }

  private ErrorCollector(List<ValidationError> errors, String path) {
    this.errors = errors;
    this.path = path;
  }

  /** A collector rooted at {@code prefix}, e.g. {@code documents[2]}, with its own error list. */
  public static ErrorCollector rootedAt(String prefix) {
    return new ErrorCollector(new ArrayList<>(), prefix);
  }

  /** The child for an object field: {@code routes[a]} then {@code routes[a].retry}. */
  public ErrorCollector at(String field) {
    return new ErrorCollector(errors, join(path, field));
  }

  /** The child for a list element named by index: {@code endpoints[0]}. */
  public ErrorCollector atIndex(String field, int index) {
    return at(field + "[" + index + "]");
  }

  /**
   * The child for a list element that may carry a name: {@code routes[charge-card]} when the name
   * is non-empty and path-safe, else {@code routes[3]}.
   */
  public ErrorCollector atElement(String field, int index, String name) {
    if (name != null && PATH_SAFE_NAME.matcher(name).matches()) {
      return at(field + "[" + name + "]");
    }
    return atIndex(field, index);
  }

  public void add(String message) {
    errors.add(new ValidationError(path, message));
  }

  public void add(String field, String message) {
    at(field).add(message);
  }

  /** Adds errors found relative to this collector, e.g. a whole document's under documents[i]. */
  public void addAllNested(List<ValidationError> nested) {
    for (ValidationError e : nested) {
      errors.add(new ValidationError(join(path, e.path()), e.message()));
    }
  }

  /** Reports {@code required} when {@code value} is null; returns whether it is present. */
  public boolean require(Object value) {
    if (value == null) {
      add(Messages.REQUIRED);
      return false;
    }
    return true;
  }

  /** The number of errors so far; compare two counts to see whether a subtree had errors. */
  public int count() {
    return errors.size();
  }

  public String path() {
    return path;
  }

  public List<ValidationError> errors() {
    return List.copyOf(errors);
  }

  private static String join(String parent, String child) {
    if (parent.isEmpty()) {
      return child;
    }
    return child.isEmpty() ? parent : parent + "." + child;
  }
}
