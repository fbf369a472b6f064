package io.paymesh.xds.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import org.junit.jupiter.api.Test;

/**
 * The Gate's checks unpack the same typed_config Anys again and again (invariants 8 and 9 and the
 * client check each walk every payload, and a resource shared by many groups reaches them once per
 * group): each Any is parsed once, and one that does not parse is reported every time.
 */
class TypedConfigTypesTest {
  private static final String HCM_URL =
      "type.googleapis.com/" + HttpConnectionManager.getDescriptor().getFullName();

  @Test
  void anAnyIsParsedOnce_laterUnpacksReturnTheSamePayload() throws Exception {
    Any any = Any.pack(HttpConnectionManager.newBuilder().setStatPrefix("inbound").build());

    var first = TypedConfigTypes.unpack(any).orElseThrow();
    var second = TypedConfigTypes.unpack(any).orElseThrow();

    assertThat(first).isInstanceOf(HttpConnectionManager.class);
    assertThat(((HttpConnectionManager) first).getStatPrefix()).isEqualTo("inbound");
    assertThat(second).isSameAs(first);
    assertThat(any.unpack(HttpConnectionManager.class))
        .as("the payload the HCM readers unpack by class").isSameAs(first);
  }

  @Test
  void bytesThatAreNotTheType_failEveryTime() {
    Any any = Any.newBuilder().setTypeUrl(HCM_URL)
        .setValue(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff})).build();

    assertThatThrownBy(() -> TypedConfigTypes.unpack(any))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(() -> TypedConfigTypes.unpack(any))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  @Test
  void aTypePaymeshDoesNotEmit_isNotUnpacked() throws Exception {
    assertThat(TypedConfigTypes.unpack(Any.pack(Struct.getDefaultInstance()))).isEmpty();
  }
}
