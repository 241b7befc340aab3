import Prometheus
import Synchronization

/// The router's Prometheus registry (`/metrics`) and the per-pool handles the request path uses.
/// Handles are made once per pool (or per status code, cached), so the hot path only bumps atomics.
///
/// ```swift
/// let metrics = RouterMetrics()
/// let pool = metrics.pool(model: "llama", policy: "least-outstanding", backends: ["http://a"])
/// pool.admissions.increment()
/// print(String(decoding: metrics.render(), as: UTF8.self))
/// ```
public final class RouterMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let requestCounters = Mutex<[RequestKey: Counter]>([:])

    private struct RequestKey: Hashable {
        var model: String
        var endpoint: String
        var status: Int
    }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// The handles of one pool's metrics.
    public func pool(model: String, policy: String, backends: [String]) -> PoolMetrics {
        PoolMetrics(registry: registry, model: model, policy: policy, backends: backends)
    }

    /// Counts an answered completion request.
    public func countRequest(model: String, endpoint: String, status: Int) {
        let key = RequestKey(model: model, endpoint: endpoint, status: status)
        let counter = requestCounters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(
                descriptor: RouterMetricNames.requests,
                labels: [("model", model), ("endpoint", endpoint), ("status", String(status))])
            counters[key] = counter
            return counter
        }
        counter.increment()
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 << 10)
        registry.emit(into: &buffer)
        return buffer
    }
}
