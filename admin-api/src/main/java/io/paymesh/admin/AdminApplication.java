package io.paymesh.admin;

import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.auth.oauth.OAuthCredentialAuthFilter;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jersey.setup.JerseyEnvironment;
import io.etcd.jetcd.Client;
import io.paymesh.admin.auth.AdminPrincipal;
import io.paymesh.admin.auth.AuthenticateEveryRequest;
import io.paymesh.admin.auth.JsonUnauthorizedHandler;
import io.paymesh.admin.auth.TokenAuthenticator;
import io.paymesh.admin.errors.ApiExceptionMapper;
import io.paymesh.admin.errors.JsonProcessingExceptionMapper;
import io.paymesh.admin.errors.UnexpectedExceptionMapper;
import io.paymesh.admin.errors.WebApplicationExceptionMapper;
import io.paymesh.admin.graph.GraphvizSvg;
import io.paymesh.admin.health.EtcdHealthCheck;
import io.paymesh.admin.http.HttpSurface;
import io.paymesh.admin.idempotency.IdempotentWrites;
import io.paymesh.admin.idempotency.RequestFingerprintFilter;
import io.paymesh.admin.metrics.PrometheusServlet;
import io.paymesh.admin.policy.PolicyDocuments;
import io.paymesh.admin.policy.PolicyWriter;
import io.paymesh.admin.resources.ApplyResource;
import io.paymesh.admin.resources.AuditResource;
import io.paymesh.admin.resources.GraphResource;
import io.paymesh.admin.resources.IdentityResource;
import io.paymesh.admin.resources.OpenApiResource;
import io.paymesh.admin.resources.PlanResource;
import io.paymesh.admin.resources.PolicyBodyReader;
import io.paymesh.admin.resources.PolicyKindResource;
import io.paymesh.admin.resources.ProposalResource;
import io.paymesh.admin.resources.ProxyResource;
import io.paymesh.admin.resources.SchemaResource;
import io.paymesh.config.audit.AuditLog;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.idempotency.IdempotencyRecords;
import io.paymesh.config.identity.IdentityRevocations;
import io.paymesh.config.identity.JoinTokens;
import io.paymesh.config.proposal.Proposals;
import io.paymesh.config.schema.PolicySchemas;
import io.paymesh.config.store.EtcdSettings;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.xds.inspect.ConfigDumper;
import io.paymesh.xds.inspect.PlanCalculator;
import io.paymesh.xds.status.ProxyStatusReader;
import java.time.Clock;
import java.time.Duration;

/**
 * Entry point of the operators' admin API (Dropwizard): the policy REST resources on the
 * application port behind bearer-token auth, health and metrics (with {@code /prometheus}) on the
 * admin port. Run: {@code java -jar admin-api/target/admin-api.jar server admin-api/admin-api.yaml}.
 */
public final class AdminApplication extends Application<AdminConfiguration> {

  public static final String NAME = "paymesh-admin";
  /** The scheme of the Authorization header: {@code Authorization: Bearer <token>}. */
  public static final String AUTH_SCHEME = "Bearer";
  public static final String REALM = "paymesh";
  /** Graphviz's layout program, found on the PATH (Debian's graphviz package). */
  private static final String GRAPHVIZ_DOT = "dot";
  private static final Duration GRAPHVIZ_TIMEOUT = Duration.ofSeconds(20);

  public static void main(String[] args) throws Exception {
    new AdminApplication().run(args);
  }

  @Override
  public String getName() {
    return NAME;
  }

  /**
   * Config files may name environment variables ({@code ${VAR}}, {@code ${VAR:-default}}), so a
   * deployment can hand in token hashes without writing them into a file. Strict: a variable
   * that is neither set nor defaulted stops the start with its name.
   */
  @Override
  public void initialize(Bootstrap<AdminConfiguration> bootstrap) {
    bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
        bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(true)));
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
    environment
        .admin()
        .addServlet("prometheus", new PrometheusServlet(environment.metrics()))
        .addMapping(PrometheusServlet.PATH);

    HttpSurface.harden(configuration.getServerFactory(), environment);
    JerseyEnvironment jersey = environment.jersey();
    registerErrorHandling(configuration, jersey);
    registerAuth(configuration, jersey);
    jersey.register(new PolicyBodyReader());
    jersey.register(new RequestFingerprintFilter(PolicyBodyReader.MAX_BODY_BYTES));
    jersey.register(new OpenApiResource());
    jersey.register(new SchemaResource(PolicySchemas.load()));
    registerPolicyResources(client, settings.prefix(), etcd, configuration.getFourEyes(),
        environment);
  }

  private static void registerPolicyResources(Client client, String prefix, EtcdConfiguration etcd,
      FourEyesConfiguration fourEyes, Environment environment) {
    PolicyCodec codec = new PolicyCodec();
    Duration timeout = Duration.ofMillis(etcd.requestTimeout().toMilliseconds());
    PolicyRepository repository = new PolicyRepository(client, prefix, codec, timeout);
    AuditLog audit = new AuditLog(client, prefix, timeout);
    Proposals proposals = new Proposals(client, prefix, timeout, Clock.systemUTC());
    PolicyWriter writer = new PolicyWriter(repository, new PlanCalculator(), proposals,
        fourEyes.policy(), codec);
    PolicyDocuments documents = new PolicyDocuments(codec);
    IdempotentWrites idempotency =
        new IdempotentWrites(new IdempotencyRecords(client, prefix, timeout));
    JerseyEnvironment jersey = environment.jersey();
    jersey.register(new PolicyKindResource(repository, audit, codec, writer,
        environment.getObjectMapper(), idempotency));
    jersey.register(new PlanResource(documents, writer));
    jersey.register(new GraphResource(repository, new GraphvizSvg(GRAPHVIZ_DOT, GRAPHVIZ_TIMEOUT)));
    jersey.register(new ApplyResource(documents, writer, idempotency,
        environment.getObjectMapper()));
    jersey.register(new ProposalResource(proposals, writer, environment.getObjectMapper()));
    jersey.register(new AuditResource(audit, codec, environment.getObjectMapper()));
    jersey.register(new IdentityResource(new JoinTokens(client, prefix, timeout, Clock.systemUTC()),
        new IdentityRevocations(client, prefix, timeout, Clock.systemUTC()), repository,
        idempotency));
    jersey.register(new ProxyResource(new ProxyStatusReader(client, prefix), repository,
        new ConfigDumper(), environment.getObjectMapper()));
  }

  private static void registerErrorHandling(AdminConfiguration configuration, JerseyEnvironment jersey) {
    // Dropwizard's default mappers answer with their own shapes and, for JSON errors, details of
    // the body; ours give every error the API's one JSON shape.
    if (configuration.getServerFactory() instanceof AbstractServerFactory) {
      ((AbstractServerFactory) configuration.getServerFactory()).setRegisterDefaultExceptionMappers(false);
    }
    jersey.register(new ApiExceptionMapper());
    jersey.register(new WebApplicationExceptionMapper());
    jersey.register(new JsonProcessingExceptionMapper());
    jersey.register(new UnexpectedExceptionMapper());
  }

  private static void registerAuth(AdminConfiguration configuration, JerseyEnvironment jersey) {
    // On every request, not only on resource methods: see AuthenticateEveryRequest.
    jersey.register(
        new AuthenticateEveryRequest(
            new OAuthCredentialAuthFilter.Builder<AdminPrincipal>()
                .setAuthenticator(new TokenAuthenticator(configuration.getTokens()))
                .setPrefix(AUTH_SCHEME)
                .setRealm(REALM)
                .setUnauthorizedHandler(new JsonUnauthorizedHandler())
                .buildAuthFilter()));
    jersey.register(new AuthValueFactoryProvider.Binder<>(AdminPrincipal.class));
  }
}
