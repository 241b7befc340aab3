import Foundation
import Hummingbird
import InferenceAPI
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// An in-process OpenAI-compatible server with known timing for the load generator's tests: on
/// `POST /v1/completions` (and `/v1/chat/completions`) it streams `max_tokens` one-token chunks, the
/// first `firstToken` after the request arrived and the next every `perToken` (deadlines counted
/// from the arrival, so sleeps do not drift), then a usage chunk and `[DONE]`; without `stream` it
/// answers one JSON object after the whole time. `behaviour` can make it fail instead. It records
/// when each request arrived. Bound to 127.0.0.1 on a port the kernel picks.
struct FakeOpenAIServer: Sendable {
    enum Behaviour: Sendable {
        /// Tokens on time.
        case normal
        /// A non-2xx status with an OpenAI error body.
        case status(Int)
        /// One token, then an `error` event, then `[DONE]`.
        case streamError
        /// Half the tokens, then the connection's body ends without `[DONE]`.
        case truncated
        /// A usage count one above the chunks sent.
        case wrongUsage
    }

    var firstToken: Duration
    var perToken: Duration
    var behaviour: Behaviour = .normal

    /// Seconds (of `ContinuousClock`, since the server started) at which requests arrived.
    final class Arrivals: Sendable {
        private let box = NIOLockedValueBox<[ContinuousClock.Instant]>([])
        func add(_ instant: ContinuousClock.Instant) { box.withLockedValue { $0.append(instant) } }
        var all: [ContinuousClock.Instant] { box.withLockedValue { $0 } }
    }

    /// Runs the server for the duration of `body`, which gets its base URL and the arrivals.
    func run<Value: Sendable>(_ body: @Sendable (String, Arrivals) async throws -> Value) async throws -> Value {
        let arrivals = Arrivals()
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext, CompletionEndpoint) async throws -> Response = { request, _, endpoint in
            let arrived = ContinuousClock.now
            arrivals.add(arrived)
            let bytes = try await request.body.collect(upTo: 16 << 20)
            let parsed = try CompletionRequest(body: bytes.readableBytesView, endpoint: endpoint)
            return respond(to: parsed, arrived: arrived)
        }
        router.post("/v1/completions") { request, context in try await handler(request, context, .text) }
        router.post("/v1/chat/completions") { request, context in try await handler(request, context, .chat) }
        let port = NIOLockedValueBox<Int?>(nil)
        var logger = Logger(label: "fake-openai")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLockedValue { $0 = channel.localAddress?.port } }, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var bound: Int?
            for _ in 0..<500 where bound == nil {
                try await Task.sleep(for: .milliseconds(10))
                bound = port.withLockedValue { $0 }
            }
            guard let bound else {
                group.cancelAll()
                throw CancellationError()
            }
            do {
                let value = try await body("http://127.0.0.1:\(bound)", arrivals)
                group.cancelAll()
                return value
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    private func respond(to request: CompletionRequest, arrived: ContinuousClock.Instant) -> Response {
        let tokens = request.maxTokens ?? 16
        if case let .status(code) = behaviour {
            let error = InferenceAPIError(status: code, message: "fake failure", type: "server_error")
            return Response(status: .init(code: code), headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: error.body())))
        }
        let (firstToken, perToken, behaviour) = (firstToken, perToken, behaviour)
        guard request.stream else {
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody { writer in
                try await Task.sleep(until: arrived + firstToken + perToken * (tokens - 1), clock: .continuous)
                let text = String(repeating: "tok ", count: tokens)
                try await writer.write(ByteBuffer(string:
                    #"{"choices":[{"index":0,"text":"\#(text)","finish_reason":"length"}],"usage":{"prompt_tokens":1,"completion_tokens":\#(tokens)}}"#))
                try await writer.finish(nil)
            })
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody { writer in
            let sent: Int
            switch behaviour {
            case .streamError: sent = 1
            case .truncated: sent = max(1, tokens / 2)
            default: sent = tokens
            }
            for index in 0..<sent {
                try await Task.sleep(until: arrived + firstToken + perToken * index, clock: .continuous)
                let chunk = request.endpoint == .chat
                    ? #"{"choices":[{"index":0,"delta":{"content":"tok "},"finish_reason":null}]}"#
                    : #"{"choices":[{"index":0,"text":"tok ","finish_reason":null}]}"#
                try await writer.write(ByteBuffer(bytes: ServerSentEvents.frame(Array(chunk.utf8))))
            }
            switch behaviour {
            case .streamError:
                try await writer.write(ByteBuffer(bytes: ServerSentEvents.frame(Array(#"{"error":{"message":"engine died","type":"server_error"}}"#.utf8))))
            case .truncated:
                try await writer.finish(nil)
                return
            default:
                break
            }
            let usage = behaviour == .wrongUsage ? sent + 1 : sent
            try await writer.write(ByteBuffer(bytes: ServerSentEvents.frame(Array(
                #"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":\#(usage)}}"#.utf8))))
            try await writer.write(ByteBuffer(bytes: ServerSentEvents.doneFrame))
            try await writer.finish(nil)
        })
    }
}

extension FakeOpenAIServer.Behaviour: Equatable {}
