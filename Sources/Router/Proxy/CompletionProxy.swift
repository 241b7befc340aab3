import AsyncHTTPClient
import HTTPTypes
import Hummingbird
import InferenceAPI
import Logging
import NIOCore

/// One completion request on its way through the router: the client's body (passed on untouched),
/// what was read of it, its id and arrival time, and what to call once its answer is over.
struct ProxyCall: Sendable {
    var body: ByteBuffer
    var request: CompletionRequest
    var routed: RoutedRequest
    var requestID: String
    /// Arrival, monotonic seconds.
    var arrival: Double
    /// Called once when the answer is over, with its HTTP status.
    var onEnd: @Sendable (Int) -> Void
}

/// Forwards completion requests to a pool's backends: leases a backend, sends the body, retries on a
/// connect error, a timeout, 5xx or 429 while nothing has gone to the client (on another backend
/// where one is available), and passes the answer through — a stream chunk by chunk.
struct CompletionProxy: Sendable {
    let client: UpstreamClient
    let retry: RetrySettings
    let timeouts: TimeoutSettings
    let logger: Logger
    /// Largest non-streamed answer passed through, bytes.
    static let maxAnswerBytes = 64 << 20

    /// The answer to `call` from `pool`.
    func respond(_ call: ProxyCall, pool: BackendPool) async -> Response {
        var lease: BackendLease
        do { lease = try await pool.acquire(call.routed) } catch {
            call.onEnd(error.status)
            return ErrorResponses.make(error, requestID: call.requestID)
        }
        var avoiding: [Int] = []
        var attempt = 1
        while true {
            let failure: (reason: String, error: InferenceAPIError)
            do {
                let response = try await client.complete(
                    call.body, endpoint: call.request.endpoint, target: lease.target, requestID: call.requestID,
                    totalSeconds: timeouts.totalSeconds)
                let status = Int(response.status.code)
                if retry.retryOnStatus, status >= 500 || status == 429 {
                    failure = (
                        status == 429 ? "status_429" : "status_5xx",
                        InferenceAPIError(
                            status: 502, message: "the backend answered \(status)", type: "server_error", code: "upstream_error")
                    )
                    if attempt >= retry.maxAttempts {
                        return await passThrough(response, status: status, call: call, lease: lease)
                    }
                    lease.finish(.failure)
                } else if call.request.stream, status == 200 {
                    var iterator = response.body.makeAsyncIterator()
                    let first = try await iterator.next()
                    let now = MonotonicClock.seconds()
                    lease.firstToken(now: now)
                    pool.metrics.timeToFirstToken.record(now - call.arrival)
                    return StreamRelay.response(
                        head: response.headers, first: first, rest: iterator, lease: lease, call: call, logger: logger)
                } else {
                    return await passThrough(response, status: status, call: call, lease: lease)
                }
            } catch {
                let timedOut = (error as? HTTPClientError).map { $0 == .readTimeout || $0 == .deadlineExceeded || $0 == .connectTimeout } ?? false
                failure = (
                    timedOut ? "timeout" : "connect_error",
                    InferenceAPIError(
                        status: timedOut ? 504 : 502,
                        message: timedOut ? "the backend did not answer in time" : "the backend could not be reached",
                        type: "server_error", code: "upstream_error")
                )
                lease.finish(.failure)
                logger.with(requestID: call.requestID).warning(
                    "upstream attempt failed",
                    metadata: ["backend": "\(lease.target.url)", "attempt": "\(attempt)", "error": "\(error)"])
            }
            guard attempt < retry.maxAttempts else {
                call.onEnd(failure.error.status)
                return ErrorResponses.make(failure.error, requestID: call.requestID)
            }
            pool.metrics.countRetry(reason: failure.reason)
            avoiding.append(lease.backend)
            attempt += 1
            do { lease = try await pool.acquire(call.routed, avoiding: avoiding) } catch {
                call.onEnd(error.status)
                return ErrorResponses.make(error, requestID: call.requestID)
            }
        }
    }

    /// A whole (non-streamed, or non-200) answer, read and passed on with its status and type.
    private func passThrough(_ response: HTTPClientResponse, status: Int, call: ProxyCall, lease: consuming BackendLease) async -> Response {
        lease.firstToken(now: MonotonicClock.seconds())
        let body: ByteBuffer
        do { body = try await response.body.collect(upTo: Self.maxAnswerBytes) } catch {
            lease.finish(.failure)
            let failure = InferenceAPIError(
                status: 502, message: "the backend's answer broke off or was too large", type: "server_error", code: "upstream_error")
            call.onEnd(failure.status)
            return ErrorResponses.make(failure, requestID: call.requestID)
        }
        let pool = lease.pool
        lease.finish(status >= 500 || status == 429 ? .failure : .success)
        pool.metrics.requestDuration.record(MonotonicClock.seconds() - call.arrival)
        call.onEnd(status)
        var headers = HTTPFields()
        headers.reserveCapacity(3)
        headers[.contentType] = response.headers.first(name: "content-type") ?? "application/json"
        headers[ErrorResponses.requestIDField] = call.requestID
        if let retryAfter = response.headers.first(name: "retry-after"), let name = HTTPField.Name("retry-after") {
            headers[name] = retryAfter
        }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: body))
    }
}
