import NIOCore

/// One probe of a backend: `GET /health` (2xx passes), and its engine metrics when configured.
struct BackendProbe {
    var healthy: Bool
    var engine: EngineLoad?

    /// Largest `/metrics` text read, bytes.
    static let maxMetricsBytes = 4 << 20

    static func run(_ target: BackendTarget, client: UpstreamClient, health: HealthSettings) async -> BackendProbe {
        let healthy: Bool
        do {
            let answer = try await client.get(target.healthURL, timeoutSeconds: health.timeoutSeconds, maxBytes: 64 << 10)
            healthy = (200..<300).contains(answer.status)
        } catch {
            healthy = false
        }
        guard healthy, target.metrics != .none else { return BackendProbe(healthy: healthy, engine: nil) }
        do {
            let answer = try await client.get(target.metricsURL, timeoutSeconds: health.timeoutSeconds, maxBytes: maxMetricsBytes)
            guard (200..<300).contains(answer.status) else { return BackendProbe(healthy: healthy, engine: nil) }
            let engine = EngineMetricsParser.parse(String(buffer: answer.body), source: target.metrics, ageSeconds: 0)
            return BackendProbe(healthy: healthy, engine: engine)
        } catch {
            return BackendProbe(healthy: healthy, engine: nil)
        }
    }
}
