package io.paymesh.admin.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.auth.Auth;
import io.paymesh.admin.api.PlanResponse;
import io.paymesh.admin.api.ProxyConfigResponse;
import io.paymesh.admin.api.ProxyResponse;
import io.paymesh.admin.auth.AdminPrincipal;
import io.paymesh.admin.errors.ApiException;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.xds.inspect.ConfigDumper;
import io.paymesh.xds.inspect.ResourceDump;
import io.paymesh.xds.status.ProxyStatusReader;
import io.paymesh.xds.status.ProxyStatusRecord;
import io.paymesh.xds.translate.ProxyGroup;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code /v1/proxies}: the proxies connected to any xds-server replica (their leased status
 * records in etcd) and, per proxy, what its group is sent for the current policy compared with
 * what it ACKed. Any role may read them.
 */
@Path("/v1/proxies")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public final class ProxyResource {

  private final ProxyStatusReader statuses;
  private final PolicyRepository repository;
  private final ConfigDumper dumper;
  private final ObjectMapper mapper;

  public ProxyResource(ProxyStatusReader statuses, PolicyRepository repository,
      ConfigDumper dumper, ObjectMapper mapper) {
    this.statuses = statuses;
    this.repository = repository;
    this.dumper = dumper;
    this.mapper = mapper;
  }

  @GET
  public List<ProxyResponse> list(@Auth AdminPrincipal caller) {
    return statuses.list().stream().map(ProxyResource::view).toList();
  }

  @GET
  @Path("{node}/config")
  public ProxyConfigResponse config(@Auth AdminPrincipal caller, @PathParam("node") String node) {
    ProxyStatusRecord status = statuses.get(node)
        .orElseThrow(() -> ApiException.notFound("no connected proxy with node id " + node));
    ProxyGroup group = group(status);
    ConfigDumper.GroupConfig config = dumper.dump(repository.loadSnapshot(), group);
    List<ProxyConfigResponse.TypeVersion> versions = new ArrayList<>();
    boolean inSync = true;
    for (Map.Entry<String, String> v : new java.util.TreeMap<>(config.versions()).entrySet()) {
      String acked = status.ackedVersions().get(v.getKey());
      boolean match = v.getValue().equals(acked);
      inSync &= match;
      versions.add(new ProxyConfigResponse.TypeVersion(v.getKey(), v.getValue(), acked, match));
    }
    return new ProxyConfigResponse(view(status), group.service(), group.client().name(),
        group.form().name(), inSync,
        versions,
        config.violations().stream()
            .map(x -> new PlanResponse.Violation(x.resource(), x.invariant(), x.message()))
            .toList(),
        config.resources().stream().map(this::resource).toList());
  }

  private ProxyConfigResponse.Resource resource(ResourceDump dump) {
    JsonNode json;
    try {
      json = mapper.readTree(dump.json());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a resource dump is not JSON: " + dump.typeUrl() + " " + dump.name());
    }
    return new ProxyConfigResponse.Resource(dump.typeUrl(), dump.name(), dump.version(), json);
  }

  private static ProxyGroup group(ProxyStatusRecord status) {
    try {
      return status.group();
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("unknown client family in status record: " + status.client());
    }
  }

  static ProxyResponse view(ProxyStatusRecord r) {
    ProxyGroup group = group(r);
    return new ProxyResponse(r.nodeId(), r.service(), group.client().name(), group.form().name(),
        r.replica(), r.ackedVersions(),
        r.lastNack()
            .map(n -> new ProxyResponse.Nack(n.typeUrl(), n.version(), n.errorDetail(), n.at().toString()))
            .orElse(null),
        r.nackCount(), r.connectedAt().toString(), r.updatedAt().toString());
  }
}
