import AsyncHTTPClient
import InferenceAPI
import NIOCore

/// Sends a cascade stage's request through the router's pool of that model: the pool's policy,
/// queue and breakers, then the backend, with the proxy's retries (connect errors, timeouts, 5xx and
/// 429 go to another backend while attempts remain; a cascade reads whole answers, so nothing has
/// reached the client yet).
///
/// ```swift
/// let sender = PoolCompletionSender(pools: { snapshot.poolsByModel[$0] }, client: upstream, retry: config.retry, timeouts: config.timeouts)
/// let policy = CascadePolicy(config: cascade, sender: sender, judge: cascade.judge.judge(client: .shared))
/// ```
public struct PoolCompletionSender: CompletionSending {
    let pools: @Sendable (String) -> BackendPool?
    let client: UpstreamClient
    let retry: RetrySettings
    let timeouts: TimeoutSettings
    /// Largest stage answer read, bytes (the proxy's limit).
    public static let maxAnswerBytes = CompletionProxy.maxAnswerBytes

    public init(pools: @escaping @Sendable (String) -> BackendPool?, client: UpstreamClient, retry: RetrySettings, timeouts: TimeoutSettings) {
        self.pools = pools
        self.client = client
        self.retry = retry
        self.timeouts = timeouts
    }

    public func complete(model: String, endpoint: CompletionEndpoint, body: [UInt8], requestID: String) async throws -> UpstreamCompletion {
        guard let pool = pools(model) else { throw ErrorResponses.unknownModel(model) }
        let request = try CompletionRequest(body: body, endpoint: endpoint)
        let routed = try pool.classifier.routed(request, id: requestID, headerClass: nil)
        let buffer = ByteBuffer(bytes: body)
        var avoiding: [Int] = []
        var attempt = 1
        while true {
            var lease = try await pool.acquire(routed, avoiding: avoiding)
            do {
                let response = try await client.complete(
                    buffer, endpoint: endpoint, target: lease.target, requestID: requestID, totalSeconds: timeouts.totalSeconds)
                lease.firstToken(now: MonotonicClock.seconds())
                let answer = try await response.body.collect(upTo: Self.maxAnswerBytes)
                let status = Int(response.status.code)
                let failed = status >= 500 || status == 429
                let url = lease.target.url
                let backend = lease.backend
                lease.finish(failed ? .failure : .success)
                if failed, retry.retryOnStatus, attempt < retry.maxAttempts {
                    pool.metrics.countRetry(reason: status == 429 ? "status_429" : "status_5xx")
                    avoiding.append(backend)
                    attempt += 1
                    continue
                }
                return UpstreamCompletion(status: status, body: Array(answer.readableBytesView), backend: url)
            } catch {
                let backend = lease.backend
                lease.finish(.failure)
                guard attempt < retry.maxAttempts else { throw error }
                pool.metrics.countRetry(reason: "connect_error")
                avoiding.append(backend)
                attempt += 1
            }
        }
    }
}
