package io.paymesh.xds.ads;

import io.grpc.Status;
import java.util.Optional;

/**
 * The memory one xDS variant needs on a stream, between the client and java-control-plane:
 * {@link StateOfTheWorldProtocol} for StreamAggregatedResources, {@link DeltaProtocol} for
 * DeltaAggregatedResources. {@link AdsStreamInterceptor} calls it for every message, in order.
 *
 * @param <ReqT> the variant's request message
 * @param <RespT> the variant's response message
 */
interface AdsProtocol<ReqT, RespT> {

  /**
   * A refusal when the request exceeds {@link AdsRequestLimits} or its node may not be served;
   * the stream is then closed and the request never reaches the library.
   */
  Optional<Status> admit(ReqT request);

  /** Records an admitted request and returns it as the library is to see it. */
  ReqT onRequest(ReqT request);

  /** Records a response the library sends, just before it goes to the client. */
  void onResponse(RespT response);
}
