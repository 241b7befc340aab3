import Metrics
import Prometheus

extension RouterMetrics {
    /// Sends what the process records through swift-metrics (the cascade's metrics) to this
    /// registry, so `/metrics` shows them too. Once per process (swift-metrics allows one
    /// bootstrap): `gpusched serve` calls it, tests do not.
    public func exportSwiftMetrics() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }
}
