package io.paymesh.xds.identity;

import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.paymesh.identity.v1.SignRequest;
import io.paymesh.identity.v1.SignResponse;

/**
 * The gRPC shape of the workload identity API ({@code identity.proto}): one unary method. Written
 * here rather than generated, so the build needs protoc only and not the gRPC code generator.
 */
public final class WorkloadIdentityRpc {
  public static final String SERVICE = "paymesh.identity.v1.WorkloadIdentity";

  public static final MethodDescriptor<SignRequest, SignResponse> SIGN =
      MethodDescriptor.<SignRequest, SignResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Sign"))
          .setRequestMarshaller(ProtoUtils.marshaller(SignRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(SignResponse.getDefaultInstance()))
          .build();

  private WorkloadIdentityRpc() {}
}
