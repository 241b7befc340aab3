import AsyncHTTPClient
import HTTPTypes
import Hummingbird
import InferenceAPI
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Passes a backend's event stream to the client chunk by chunk: each upstream buffer is written as
/// it arrives and the next is read only once it is written (back-pressure both ways). A stream that
/// breaks after it began is never retried: the client gets one SSE error event and the end.
enum StreamRelay {
    /// The streamed response: the first chunk (already read, so retries stayed possible until
    /// then) and the rest of the upstream body.
    static func response(
        head: HTTPHeaders, first: ByteBuffer?, rest: HTTPClientResponse.Body.AsyncIterator, lease: consuming BackendLease,
        call: ProxyCall, logger: Logger
    ) -> Response {
        let relay = RelayState(lease: lease, iterator: rest, call: call)
        var headers = HTTPFields()
        headers.reserveCapacity(4)
        headers[.contentType] = head.first(name: "content-type") ?? "text/event-stream"
        headers[.cacheControl] = "no-cache"
        headers[ErrorResponses.requestIDField] = call.requestID
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                try await relay.run(first: first, writer: &writer, logger: logger)
            })
    }

    /// The error event that ends a broken stream.
    static let brokenStreamEvent: ByteBuffer = ByteBuffer(
        bytes: ServerSentEvents.frame(
            InferenceAPIError(
                status: 502, message: "the backend's stream broke off; the answer is incomplete", type: "server_error",
                code: "upstream_stream_error"
            ).body()))
}

/// The state of one relayed stream. Ends the lease exactly once: when the stream ends, or — should
/// the server drop the response without writing it — when it is released.
final class RelayState: @unchecked Sendable {
    // @unchecked: `iterator` and `lease` are touched only by `run`, which the server calls once;
    // `ended` guards the end.
    private var lease: BackendLease?
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    private let call: ProxyCall
    private let ended = Atomic<Bool>(false)

    init(lease: consuming BackendLease, iterator: HTTPClientResponse.Body.AsyncIterator, call: ProxyCall) {
        self.lease = lease
        self.iterator = iterator
        self.call = call
    }

    func run(first: ByteBuffer?, writer: inout any ResponseBodyWriter, logger: Logger) async throws {
        var broken = false
        var clientGone = false
        var writeError: (any Error)?
        if let first {
            do { try await writer.write(first) } catch {
                clientGone = true
                writeError = error
            }
            var last = MonotonicClock.seconds()
            let interToken = lease?.pool.metrics.interTokenLatency
            while !clientGone {
                let chunk: ByteBuffer?
                do { chunk = try await iterator.next() } catch {
                    broken = true
                    logger.with(requestID: call.requestID).warning(
                        "upstream stream broke off", metadata: ["backend": "\(lease?.target.url ?? "")", "error": "\(error)"])
                    break
                }
                guard let chunk else { break }
                let now = MonotonicClock.seconds()
                interToken?.record(now - last)
                last = now
                do { try await writer.write(chunk) } catch {
                    clientGone = true
                    writeError = error
                }
            }
        }
        if broken, !clientGone {
            do { try await writer.write(StreamRelay.brokenStreamEvent) } catch {
                clientGone = true
                writeError = error
            }
        }
        end(broken ? .failure : clientGone ? .neutral : .success, status: 200)
        // A client that went away ends the connection (the server closes it on the error).
        if let writeError { throw writeError }
        try await writer.finish(nil)
    }

    private func end(_ outcome: BackendLease.Outcome, status: Int) {
        guard !ended.exchange(true, ordering: .acquiringAndReleasing), let lease = lease.take() else { return }
        let pool = lease.pool
        lease.finish(outcome)
        pool.metrics.requestDuration.record(MonotonicClock.seconds() - call.arrival)
        call.onEnd(status)
    }

    deinit {
        end(.neutral, status: 499)
    }
}
