/// Latency figures of one plan on one workload: percentiles, SLO attainment, sustainable rate.
public struct LatencyMetrics: Sendable, Hashable {
    /// 95th and 99th percentile end-to-end latency (seconds; infinite when more than 5 % or 1 % of
    /// requests were dropped).
    public var p95: Double
    public var p99: Double
    /// Share of requests within scale × SLO, per scale.
    public var attainment: [Double]
    /// The highest arrival rate (requests/s) at which at least 95 % of requests meet the SLO.
    public var sustainableRate: Double?

    /// The q-quantile (nearest rank) of `latencies`.
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }

    /// Share of `latencies` at most `limit`.
    public static func attainment(_ latencies: [Double], within limit: Double) -> Double {
        Double(latencies.filter { $0 <= limit }.count) / Double(max(1, latencies.count))
    }
}
