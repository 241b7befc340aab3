import AsyncHTTPClient
import NIOCore

/// Posts judge requests with AsyncHTTPClient; a reply over `maxResponseBytes` is an error.
///
/// ```swift
/// let transport = HTTPJudgeTransport(client: .shared)
/// ```
public struct HTTPJudgeTransport: JudgeTransport {
    let client: HTTPClient
    /// The largest judge reply read: 1 MiB.
    public static let maxResponseBytes = 1 << 20

    public init(client: HTTPClient) {
        self.client = client
    }

    public func post(url: String, headers: [(String, String)], body: [UInt8], timeoutSeconds: Double) async throws -> UpstreamCompletion {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let timeout = TimeAmount.nanoseconds(Int64(max(0.001, min(timeoutSeconds, 3_600)) * 1e9))
        let response = try await client.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: Self.maxResponseBytes)
        return UpstreamCompletion(status: Int(response.status.code), body: Array(buffer.readableBytesView), backend: url)
    }
}

extension JudgeConfig {
    /// The judge this config describes; an endpoint judge posts through `client`.
    public func judge(client: HTTPClient) -> any CascadeJudging {
        switch self {
        case let .scoreField(path): ScoreFieldJudge(path: path)
        case let .endpoint(endpoint): EndpointJudge(endpoint, transport: HTTPJudgeTransport(client: client))
        }
    }
}
