/// What the capacity model predicts for one replica at one arrival rate.
public struct LoadPrediction: Sendable, Hashable {
    /// Requests per second the replica receives.
    public var rate: Double
    /// TTFT and TPOT at the SLO's percentile levels (seconds; TPOT 0 for a prefill replica, TTFT
    /// 0 for a decode replica).
    public var ttft: Double
    public var tpot: Double
    /// Mean requests in the batch and mean iteration seconds.
    public var runningRequests: Double
    public var meanIterationSeconds: Double
}

/// A pattern's SLO capacity: requests per second per replica when `k` replicas share the traffic
/// (index k − 1, for k = 1 … `perReplica.count`; beyond it the last figure holds), and what binds.
public struct PatternCapacity: Sendable, Hashable {
    public var perReplica: [Double]
    /// `ttft`, `tpot`, `batch`, `kv` or `unloaded` (not even a lone request meets the SLO).
    public var binding: String
    /// The prediction at one replica's capacity (nil when the capacity is 0).
    public var atCapacity: LoadPrediction?

    /// Requests per second `k` replicas carry together.
    public func total(replicas k: Int) -> Double {
        guard k > 0, let last = perReplica.last else { return 0 }
        return Double(k) * (k <= perReplica.count ? perReplica[k - 1] : last)
    }

    /// One replica's capacity.
    public var single: Double { perReplica.first ?? 0 }
}
