import AsyncHTTPClient
import InferenceAPI
import NIOCore
import NIOHTTP1

/// The router's one HTTP client to every backend: a connection pool sized for thousands of
/// concurrent streams (HTTP/1.1 carries one at a time), connect and idle-read timeouts from the
/// config, no redirects, no decompression (bytes pass through untouched).
///
/// ```swift
/// let client = UpstreamClient(timeouts: TimeoutSettings(), maxConnectionsPerBackend: 20_000)
/// let response = try await client.complete(body, endpoint: .chat, target: target, requestID: "r1", totalSeconds: 600)
/// try await client.shutdown()
/// ```
public final class UpstreamClient: Sendable {
    let http: HTTPClient

    public init(timeouts: TimeoutSettings, maxConnectionsPerBackend: Int) {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(
                connect: .nanoseconds(Int64(timeouts.connectSeconds * 1e9)),
                read: .nanoseconds(Int64(timeouts.firstByteSeconds * 1e9))),
            connectionPool: HTTPClient.Configuration.ConnectionPool(
                idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, maxConnectionsPerBackend)),
            decompression: .disabled)
        configuration.httpVersion = .http1Only
        configuration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Sends a completion body, as the client sent it, to `target`'s endpoint. The answer's body is
    /// not read yet.
    func complete(
        _ body: ByteBuffer, endpoint: CompletionEndpoint, target: BackendTarget, requestID: String, totalSeconds: Double
    ) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: target.url(for: endpoint))
        request.method = .POST
        request.headers.reserveCapacity(4)
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "x-request-id", value: requestID)
        if let authorization = target.authorization { request.headers.add(name: "authorization", value: authorization) }
        request.body = .bytes(body)
        return try await http.execute(request, deadline: .now() + .nanoseconds(Int64(totalSeconds * 1e9)))
    }

    /// GETs `url` (a probe) and returns its status and body, at most `maxBytes`.
    func get(_ url: String, timeoutSeconds: Double, maxBytes: Int) async throws -> (status: Int, body: ByteBuffer) {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let response = try await http.execute(request, deadline: .now() + .nanoseconds(Int64(timeoutSeconds * 1e9)))
        let body = try await response.body.collect(upTo: maxBytes)
        return (Int(response.status.code), body)
    }

    /// Closes every connection.
    public func shutdown() async throws {
        try await http.shutdown()
    }
}
