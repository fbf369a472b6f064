package io.paymesh.admin;

import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Environment;
import io.etcd.jetcd.Client;
import io.paymesh.admin.health.EtcdHealthCheck;
import io.paymesh.config.store.EtcdSettings;

/**
 * Entry point of the operators' admin API (Dropwizard). For now it connects to the policy's
 * etcd and reports its health on the admin port; the policy REST resources come in their own
 * issue. Run: {@code java -cp ... io.paymesh.admin.AdminApplication server admin-api.yaml}.
 */
public final class AdminApplication extends Application<AdminConfiguration> {

  public static final String NAME = "paymesh-admin";

  public static void main(String[] args) throws Exception {
    new AdminApplication().run(args);
  }

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public void run(AdminConfiguration configuration, Environment environment) {
    EtcdConfiguration etcd = configuration.getEtcd();
    EtcdSettings settings = etcd.settings();
    // One client for the whole application: jetcd multiplexes requests over one gRPC channel.
    Client client = settings.newClient();
    environment.lifecycle().manage(new ManagedEtcdClient(client));
    environment
        .healthChecks()
        .register(
            EtcdHealthCheck.NAME,
            new EtcdHealthCheck(client.getKVClient(), settings, etcd.requestTimeout()));
  }
}
