package io.paymesh.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.dropwizard.validation.ValidationMethod;
import io.paymesh.admin.auth.TokenConfiguration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The admin API's configuration file: Dropwizard's server and logging settings plus the etcd
 * block ({@code etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}}) and the API
 * tokens ({@code tokens: [{name: alice, sha256: <hex>, roles: [operator]}]}) and four-eyes
 * approval ({@code fourEyes: {require: cde, proposalLifetime: 24h}}, the defaults). With no tokens
 * every API request is refused with 401; health stays available on the admin port.
 */
public class AdminConfiguration extends Configuration {

  @Valid @NotNull private EtcdConfiguration etcd;

  @Valid @NotNull private List<@NotNull @Valid TokenConfiguration> tokens = List.of();

  @Valid @NotNull private FourEyesConfiguration fourEyes = FourEyesConfiguration.defaults();

  @JsonProperty("fourEyes")
  public FourEyesConfiguration getFourEyes() {
    return fourEyes;
  }

  @JsonProperty("fourEyes")
  public void setFourEyes(FourEyesConfiguration fourEyes) {
    this.fourEyes = fourEyes == null ? FourEyesConfiguration.defaults() : fourEyes;
  }

  @JsonProperty("etcd")
  public EtcdConfiguration getEtcd() {
    return etcd;
  }

  @JsonProperty("etcd")
  public void setEtcd(EtcdConfiguration etcd) {
    this.etcd = etcd;
  }

  @JsonProperty("tokens")
  public List<TokenConfiguration> getTokens() {
    return tokens;
  }

  @JsonProperty("tokens")
  public void setTokens(List<TokenConfiguration> tokens) {
    this.tokens = tokens == null ? List.of() : List.copyOf(tokens);
  }

  /** Names are the audit actors: two tokens with one name would make the log ambiguous. */
  @ValidationMethod(message = "tokens must have distinct names and distinct hashes")
  public boolean isTokensDistinct() {
    Set<String> names = new HashSet<>();
    Set<String> hashes = new HashSet<>();
    for (TokenConfiguration token : tokens) {
      if (token == null) {
        continue;
      }
      if (!names.add(token.name()) || (token.sha256() != null && !hashes.add(token.sha256()))) {
        return false;
      }
    }
    return true;
  }
}
