package io.paymesh.admin.api;

import jakarta.ws.rs.core.MediaType;
import java.util.Set;

/** The request body types policy documents may come in, and how to tell JSON from YAML. */
public final class PolicyMediaTypes {

  public static final String APPLICATION_YAML = "application/yaml";
  public static final String TEXT_YAML = "text/yaml";
  public static final String APPLICATION_X_YAML = "application/x-yaml";

  private static final Set<String> YAML = Set.of(APPLICATION_YAML, TEXT_YAML, APPLICATION_X_YAML);

  private PolicyMediaTypes() {}

  public static boolean isYaml(MediaType type) {
    return type != null && YAML.contains(type.getType() + "/" + type.getSubtype());
  }

  public static boolean isJson(MediaType type) {
    return type != null && MediaType.APPLICATION_JSON_TYPE.isCompatible(type)
        && !type.isWildcardType() && !type.isWildcardSubtype();
  }
}
