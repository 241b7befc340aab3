import InferenceAPI
import Logging
import NIOCore

/// The cascade's way to the pools: a stage's request goes through the stage pool's policy, queue,
/// retries and breaker like any client request, and its whole answer comes back.
struct PoolCompletionSender: CompletionSending {
    let pools: [String: BackendPool]
    let proxy: CompletionProxy

    struct NoPool: Error, CustomStringConvertible {
        var model: String
        var description: String { "no pool serves the model '\(model)'" }
    }

    func complete(model: String, endpoint: CompletionEndpoint, body: [UInt8], requestID: String) async throws -> UpstreamCompletion {
        guard let pool = pools[model] else { throw NoPool(model: model) }
        let request = try CompletionRequest(body: body, endpoint: endpoint)
        let call = ProxyCall(
            body: ByteBuffer(bytes: body), request: request,
            routed: try pool.classifier.routed(request, id: requestID, headerClass: nil), requestID: requestID,
            arrival: MonotonicClock.seconds(), onEnd: { _ in })
        return await proxy.whole(call, pool: pool)
    }
}
