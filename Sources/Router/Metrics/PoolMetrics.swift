import Prometheus
import Synchronization

/// One pool's metric handles (label `model` fixed), made when the pool is built.
public final class PoolMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let model: String
    let policy: String
    let inFlight: Gauge
    let queued: Gauge
    let timeToFirstToken: ValueHistogram
    let interTokenLatency: ValueHistogram
    let requestDuration: ValueHistogram
    let admissions: Counter
    /// Per backend, in the pool's order.
    let backendUp: [Gauge]
    let backendInFlight: [Gauge]
    private let decisions = Mutex<[String: Counter]>([:])
    private let rejections = Mutex<[String: Counter]>([:])
    private let retries = Mutex<[String: Counter]>([:])

    init(registry: PrometheusCollectorRegistry, model: String, policy: String, backends: [String]) {
        self.registry = registry
        self.model = model
        self.policy = policy
        let labels = [("model", model)]
        inFlight = registry.makeGauge(descriptor: RouterMetricNames.inFlight, labels: labels)
        queued = registry.makeGauge(descriptor: RouterMetricNames.queued, labels: labels)
        timeToFirstToken = registry.makeValueHistogram(
            descriptor: RouterMetricNames.timeToFirstToken, labels: labels, buckets: RouterMetricNames.latencyBuckets)
        interTokenLatency = registry.makeValueHistogram(
            descriptor: RouterMetricNames.interTokenLatency, labels: labels, buckets: RouterMetricNames.latencyBuckets)
        requestDuration = registry.makeValueHistogram(
            descriptor: RouterMetricNames.requestDuration, labels: labels, buckets: RouterMetricNames.latencyBuckets)
        admissions = registry.makeCounter(descriptor: RouterMetricNames.admissions, labels: labels)
        backendUp = backends.map {
            registry.makeGauge(descriptor: RouterMetricNames.backendUp, labels: [("model", model), ("backend", $0)])
        }
        backendInFlight = backends.map {
            registry.makeGauge(descriptor: RouterMetricNames.backendInFlight, labels: [("model", model), ("backend", $0)])
        }
    }

    /// Counts a routing decision of the pool's policy.
    func countDecision(reason: String) {
        counter(decisions, RouterMetricNames.routingDecisions, reason) { [("model", model), ("policy", policy), ("reason", reason)] }
            .increment()
    }

    /// Counts a refused request (`queue_full`, `queue_timeout`, `overload`).
    func countRejection(reason: String) {
        counter(rejections, RouterMetricNames.rejections, reason) { [("model", model), ("reason", reason)] }.increment()
    }

    /// Counts a retried upstream attempt (`connect_error`, `status_5xx`, `status_429`).
    func countRetry(reason: String) {
        counter(retries, RouterMetricNames.retries, reason) { [("model", model), ("reason", reason)] }.increment()
    }

    private func counter(
        _ cache: borrowing Mutex<[String: Counter]>, _ descriptor: MetricNameDescriptor, _ key: String,
        _ labels: () -> [(String, String)]
    ) -> Counter {
        cache.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(descriptor: descriptor, labels: labels())
            counters[key] = counter
            return counter
        }
    }
}
