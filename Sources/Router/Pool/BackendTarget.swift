import InferenceAPI

/// A backend's fixed addresses, worked out once when its pool is built: the endpoint URLs the proxy
/// sends to, the probe URLs, and the upstream `Authorization` value (never logged).
public struct BackendTarget: Sendable {
    public let url: String
    public let chatURL: String
    public let textURL: String
    public let healthURL: String
    public let metricsURL: String
    public let metrics: EngineMetricsSource
    /// `Bearer KEY` when the backend has a key.
    let authorization: String?

    init(_ config: BackendConfig) {
        var base = config.url
        while base.hasSuffix("/") { base.removeLast() }
        url = base
        chatURL = base + CompletionEndpoint.chat.rawValue
        textURL = base + CompletionEndpoint.text.rawValue
        healthURL = base + "/health"
        metricsURL = base + "/metrics"
        metrics = config.metrics
        authorization = config.apiKey.map { "Bearer " + $0 }
    }

    /// The URL of `endpoint` on this backend.
    func url(for endpoint: CompletionEndpoint) -> String {
        endpoint == .chat ? chatURL : textURL
    }
}
