package io.paymesh.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/**
 * The admin API's configuration file: Dropwizard's server and logging settings plus the etcd
 * block ({@code etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}}).
 */
public class AdminConfiguration extends Configuration {

  @Valid @NotNull private EtcdConfiguration etcd;

  @JsonProperty("etcd")
  public EtcdConfiguration getEtcd() {
    return etcd;
  }

  @JsonProperty("etcd")
  public void setEtcd(EtcdConfiguration etcd) {
    this.etcd = etcd;
  }
}
