package io.paymesh.config.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.paymesh.config.validation.PolicyValidationException;
import io.paymesh.config.validation.ValidationError;
import org.junit.jupiter.api.Test;

class EndpointCodecTest {

  @Test
  void decode_whenOnlyRequiredFields_appliesDefaults() throws Exception {
    Endpoint endpoint =
        EndpointCodec.decode("payments", "i-1", "{\"address\":\"10.0.0.7\",\"port\":8443}");

    assertThat(endpoint).isEqualTo(new Endpoint("payments", "i-1", "10.0.0.7", 8443, "default", 1));
  }

  @Test
  void decode_recordWrittenBeforePriorities_isPriorityZero() throws Exception {
    Endpoint endpoint = EndpointCodec.decode("payments", "i-1",
        "{\"address\":\"10.0.0.7\",\"port\":8443,\"zone\":\"eu-west-1a\",\"weight\":2}");

    assertThat(endpoint.priority()).isZero();
  }

  @Test
  void toJson_writesPriorityOnlyWhenNotZero_andRoundTrips() throws Exception {
    Endpoint standby = new Endpoint("payments", "i-2", "10.0.0.8", 8443, "eu-west-1b", 1, 2);

    String json = EndpointCodec.toJson(standby);

    assertThat(json).isEqualTo(
        "{\"address\":\"10.0.0.8\",\"port\":8443,\"zone\":\"eu-west-1b\",\"weight\":1,"
            + "\"priority\":2}");
    assertThat(EndpointCodec.decode("payments", "i-2", json)).isEqualTo(standby);
    assertThat(EndpointCodec.toJson(new Endpoint("payments", "i-1", "10.0.0.7", 8443, "z", 1, 0)))
        .doesNotContain("priority");
  }

  @Test
  void decode_priorityOutsideEnvoysLevels_orMistyped_isReportedAtItsPath() {
    for (String priority : new String[] {"-1", "129"}) {
      PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class,
          () -> EndpointCodec.decode("payments", "i-1",
              "{\"address\":\"10.0.0.7\",\"port\":8443,\"priority\":" + priority + "}"));

      assertThat(e.errors()).as(priority)
          .containsExactly(new ValidationError("priority", "must be between 0 and 128"));
    }
    PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class,
        () -> EndpointCodec.decode("payments", "i-1",
            "{\"address\":\"10.0.0.7\",\"port\":8443,\"priority\":\"1\"}"));
    assertThat(e.errors()).containsExactly(new ValidationError("priority", "must be an integer"));
  }

  @Test
  void validate_priorityAtEnvoysBounds_isAccepted() {
    assertThat(EndpointCodec.validate(new Endpoint("p", "i", "10.0.0.7", 8443, "z", 1, 0)))
        .isEmpty();
    assertThat(EndpointCodec.validate(new Endpoint("p", "i", "10.0.0.7", 8443, "z", 1, 128)))
        .isEmpty();
  }

  @Test
  void toJson_thenDecode_roundTrips() throws Exception {
    Endpoint endpoint = new Endpoint("payments", "i-1", "127.0.0.1", 50051, "local", 3);

    String json = EndpointCodec.toJson(endpoint);

    assertThat(json)
        .isEqualTo("{\"address\":\"127.0.0.1\",\"port\":50051,\"zone\":\"local\",\"weight\":3}");
    assertThat(EndpointCodec.decode("payments", "i-1", json)).isEqualTo(endpoint);
  }

  @Test
  void decode_whenFieldsMissingOrMistyped_reportsEach() {
    PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class,
        () -> EndpointCodec.decode("payments", "i-1", "{\"port\":\"8443\",\"zone\":7}"));

    assertThat(e.errors()).containsExactly(
        new ValidationError("address", "required"),
        new ValidationError("port", "must be an integer"),
        new ValidationError("zone", "must be a string"));
  }

  @Test
  void decode_whenAddressIsAHostName_reportsAddress() {
    // The endpoints of a mesh service go to an EDS cluster, whose addresses Envoy never resolves.
    PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class,
        () -> EndpointCodec.decode("payments", "i-1",
            "{\"address\":\"payments-1.internal\",\"port\":8443}"));

    assertThat(e.errors()).containsExactly(
        new ValidationError("address", "must be an IPv4 or IPv6 address"));
  }

  @Test
  void decode_whenWeightAbove65535_reportsWeight_withEveryOtherError() {
    PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class,
        () -> EndpointCodec.decode("payments", "i-1",
            "{\"address\":\"localhost\",\"port\":8443,\"weight\":65536}"));

    assertThat(e.errors()).containsExactly(
        new ValidationError("address", "must be an IPv4 or IPv6 address"),
        new ValidationError("weight", "must be <= 65535"));
  }

  @Test
  void validate_whenIpv6AndHighestWeight_reportsNothing() {
    assertThat(EndpointCodec.validate(
        new Endpoint("payments", "i-1", "2001:db8::7", 8443, "zone-a", 65535))).isEmpty();
  }

  @Test
  void decode_whenNotJson_reportsInvalidJson() {
    PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class,
        () -> EndpointCodec.decode("payments", "i-1", "[1,2]"));

    assertThat(e.errors()).containsExactly(new ValidationError("", "must be a JSON object"));
  }
}
