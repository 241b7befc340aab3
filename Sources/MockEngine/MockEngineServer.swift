import Foundation
import Hummingbird
import Logging
import InferenceAPI
import NIOCore

/// Why a mock engine's server could not run.
public enum MockEngineServerError: Error, Sendable, CustomStringConvertible {
    /// The address is taken by another process.
    case addressInUse(host: String, port: Int)

    public var description: String {
        switch self {
        case let .addressInUse(host, port): "--port: \(host):\(port) is already in use"
        }
    }
}

/// The HTTP face of a `MockEngine` (Hummingbird 2): `POST /v1/chat/completions`,
/// `POST /v1/completions` (streamed as SSE or not), `GET /v1/models`, `GET /health`,
/// `GET /metrics` (vLLM's metric names, Prometheus text).
///
/// ```swift
/// let server = MockEngineServer(engine: engine, host: "127.0.0.1", port: 9001)
/// try await server.run { port in print("listening on \(port)") }   // until SIGINT/SIGTERM
/// ```
public struct MockEngineServer: Sendable {
    public let engine: MockEngine
    public let host: String
    public let port: Int

    public init(engine: MockEngine, host: String = "127.0.0.1", port: Int) {
        self.engine = engine
        self.host = host
        self.port = port
    }

    /// Serves until SIGINT or SIGTERM (or the task is cancelled), with the engine loop beside the
    /// server; `onReady` is called with the bound port once it listens.
    /// - Throws: `MockEngineServerError.addressInUse` when the port is taken.
    public func run(onReady: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let app = Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "gpusched-mock-engine",
                                                    reuseAddress: false),
            onServerRunning: { channel in onReady(channel.localAddress?.port ?? port) },
            logger: Logger(label: "gpusched.mock-engine"))
        let engine = engine
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The engine loop runs beside the server (instant timing has none and returns at
                // once); when the server ends (a signal, or an error), the loop is cancelled.
                group.addTask { await engine.run() }
                defer { group.cancelAll() }
                try await app.runService()
            }
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw MockEngineServerError.addressInUse(host: host, port: port)
        }
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        let engine = engine
        let maxBody = engine.config.maxBodyBytes
        for endpoint in CompletionEndpoint.allCases {
            router.post(RouterPath(endpoint.rawValue)) { request, _ -> Response in
                var request = request
                let body: ByteBuffer
                do {
                    body = try await request.collectBody(upTo: maxBody)
                } catch {
                    return Self.json(status: 413, InferenceAPIError(
                        status: 413, message: "the request body is larger than \(maxBody) bytes", type: "invalid_request_error").body())
                }
                switch await engine.complete(body: body.readableBytesView, endpoint: endpoint) {
                case let .json(status, bytes):
                    return Self.json(status: status, bytes)
                case let .stream(events):
                    return Response(
                        status: .ok,
                        headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                        body: ResponseBody { writer in
                            for await frames in events {
                                try await writer.write(ByteBuffer(bytes: frames))
                            }
                            try await writer.finish(nil)
                        })
                }
            }
        }
        router.get("/v1/models") { _, _ -> Response in Self.json(status: 200, engine.modelsBody()) }
        router.get("/health") { _, _ -> Response in Response(status: .ok) }
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: engine.metricsText())))
        }
        return router
    }

    static func json(status: Int, _ bytes: [UInt8]) -> Response {
        Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
