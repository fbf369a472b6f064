package io.paymesh.envoy.validators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.pgv.ReflectiveValidatorIndex;
import io.envoyproxy.pgv.ValidationException;
import io.envoyproxy.pgv.ValidatorIndex;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The build generated and compiled validators for the files of emitted-protos.txt and their
 * imports, and they enforce Envoy's rules, including those the build's two fixes are about.
 */
class GeneratedValidatorsTest {
  private final ValidatorIndex index = new ReflectiveValidatorIndex();

  @Test
  void rootTypesAndTypesTheyImport_haveAGeneratedValidator() {
    for (Class<?> type : List.of(Cluster.class, ClusterLoadAssignment.class, Listener.class,
        RouteConfiguration.class, Secret.class, HttpConnectionManager.class, HTTPFault.class,
        DownstreamTlsContext.class, LocalityLbEndpoints.class)) {
      String validator = type.getName() + "Validator";
      assertThat(loads(validator)).as(validator).isTrue();
    }
  }

  @Test
  void sessionTimeoutBoundOfTwoToThe32Seconds_isEnforced() throws ValidationException {
    // lt: {seconds: 4294967296}: the literal the build suffixes with L so that javac accepts it.
    DownstreamTlsContext under = DownstreamTlsContext.newBuilder()
        .setSessionTimeout(Duration.newBuilder().setSeconds(4_294_967_295L))
        .build();
    DownstreamTlsContext at = DownstreamTlsContext.newBuilder()
        .setSessionTimeout(Duration.newBuilder().setSeconds(4_294_967_296L))
        .build();

    index.validatorFor(DownstreamTlsContext.class).assertValid(under);
    assertThatThrownBy(() -> index.validatorFor(DownstreamTlsContext.class).assertValid(at))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("session_timeout");
  }

  @Test
  void priorityAbove128_isRefused() throws ValidationException {
    index.validatorFor(LocalityLbEndpoints.class)
        .assertValid(LocalityLbEndpoints.newBuilder().setPriority(128).build());

    assertThatThrownBy(() -> index.validatorFor(LocalityLbEndpoints.class)
            .assertValid(LocalityLbEndpoints.newBuilder().setPriority(129).build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("priority");
  }

  @Test
  void uint32Bounds_compareUnsigned() throws ValidationException {
    // 3000000000 is a negative int in Java: compared signed, gte 1 would refuse it and lte 65535
    // would accept it; Envoy compares unsigned.
    int threeBillion = (int) 3_000_000_000L;
    index.validatorFor(LbEndpoint.class).assertValid(
        LbEndpoint.newBuilder().setLoadBalancingWeight(UInt32Value.of(threeBillion)).build());

    assertThatThrownBy(() -> index.validatorFor(SocketAddress.class).assertValid(
            SocketAddress.newBuilder().setAddress("10.0.0.1").setPortValue(threeBillion).build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("port_value");
  }

  private static boolean loads(String className) {
    try {
      Class.forName(className);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
