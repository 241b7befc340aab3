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

    /// What the attempts ended with: a backend's answer (its head read; for a stream, its first
    /// chunk too), with the lease still held; or the error for the client.
    enum Upstream {
        case answer(HTTPClientResponse, status: Int, body: ByteBuffer, lease: BackendLease)
        case stream(HTTPClientResponse, first: ByteBuffer?, rest: HTTPClientResponse.Body.AsyncIterator, lease: BackendLease)
        case failed(InferenceAPIError)
    }

    /// The answer to `call` from `pool`, for the client.
    func respond(_ call: ProxyCall, pool: BackendPool) async -> Response {
        switch await send(call, pool: pool) {
        case .failed(let error):
            call.onEnd(error.status)
            return ErrorResponses.make(error, requestID: call.requestID)
        case .answer(let response, let status, let body, let lease):
            return passThrough(response, status: status, body: body, call: call, lease: lease)
        case .stream(let response, let first, let rest, let lease):
            return StreamRelay.response(head: response.headers, first: first, rest: rest, lease: lease, call: call, logger: logger)
        }
    }

    /// The whole answer to `call` (a cascade's stage: not streamed to the client).
    func whole(_ call: ProxyCall, pool: BackendPool) async -> UpstreamCompletion {
        switch await send(call, pool: pool) {
        case .failed(let error):
            return UpstreamCompletion(status: error.status, body: error.body())
        case .answer(_, let status, let body, let lease):
            let backend = lease.target.url
            lease.finish(status >= 500 || status == 429 ? .failure : .success)
            return UpstreamCompletion(status: status, body: Array(body.readableBytesView), backend: backend)
        case .stream(_, let first, var rest, let lease):
            // A stage's body asks for no stream; a backend that streams anyway is read whole.
            var body = first ?? ByteBuffer()
            let backend = lease.target.url
            do {
                while let chunk = try await rest.next(), body.readableBytes + chunk.readableBytes <= Self.maxAnswerBytes {
                    body.writeImmutableBuffer(chunk)
                }
                lease.finish(.success)
                return UpstreamCompletion(status: 200, body: Array(body.readableBytesView), backend: backend)
            } catch {
                lease.finish(.failure)
                let failure = InferenceAPIError(
                    status: 502, message: "the backend's stream broke off", type: "server_error", code: "upstream_stream_error")
                return UpstreamCompletion(status: failure.status, body: failure.body(), backend: backend)
            }
        }
    }

    /// Leases a backend and sends until one answers; retries (on another backend where possible)
    /// while nothing has reached the client.
    func send(_ call: ProxyCall, pool: BackendPool) async -> Upstream {
        var lease: BackendLease
        do { lease = try await pool.acquire(call.routed) } catch { return .failed(error) }
        var avoiding: [Int] = []
        var attempt = 1
        while true {
            let failure: (reason: String, error: InferenceAPIError)
            do {
                let response = try await client.complete(
                    call.body, endpoint: call.request.endpoint, target: lease.target, requestID: call.requestID,
                    totalSeconds: timeouts.totalSeconds)
                let status = Int(response.status.code)
                if retry.retryOnStatus, status >= 500 || status == 429, attempt < retry.maxAttempts {
                    failure = (
                        status == 429 ? "status_429" : "status_5xx",
                        InferenceAPIError(
                            status: 502, message: "the backend answered \(status)", type: "server_error", code: "upstream_error")
                    )
                    lease.finish(.failure)
                } else if call.request.stream, status == 200 {
                    var iterator = response.body.makeAsyncIterator()
                    let first = try await iterator.next()
                    let now = MonotonicClock.seconds()
                    lease.firstToken(now: now)
                    pool.metrics.timeToFirstToken.record(now - call.arrival)
                    return .stream(response, first: first, rest: iterator, lease: lease)
                } else {
                    // Read whole inside the attempt: nothing has gone to the client, so an answer that
                    // breaks off is retried like a refused connection.
                    let body = try await response.body.collect(upTo: Self.maxAnswerBytes)
                    lease.firstToken(now: MonotonicClock.seconds())
                    return .answer(response, status: status, body: body, lease: lease)
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
            guard attempt < retry.maxAttempts else { return .failed(failure.error) }
            pool.metrics.countRetry(reason: failure.reason)
            avoiding.append(lease.backend)
            attempt += 1
            do { lease = try await pool.acquire(call.routed, avoiding: avoiding) } catch { return .failed(error) }
        }
    }

    /// A whole (non-streamed, or non-200) answer, passed on with its status and type.
    private func passThrough(
        _ response: HTTPClientResponse, status: Int, body: ByteBuffer, call: ProxyCall, lease: consuming BackendLease
    ) -> Response {
        let pool = lease.pool
        lease.finish(status >= 500 || status == 429 ? .failure : .success)
        pool.metrics.requestDuration.record(MonotonicClock.seconds() - call.arrival)
        call.onEnd(status)
        var headers = HTTPFields()
        headers.reserveCapacity(3)
        headers[.contentType] = response.headers.first(name: "content-type") ?? "application/json"
        headers[ErrorResponses.requestIDField] = call.requestID
        if let retryAfter = response.headers.first(name: "retry-after") { headers[ErrorResponses.retryAfterField] = retryAfter }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: body))
    }
}
