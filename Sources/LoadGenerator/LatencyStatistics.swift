/// Mean and percentiles of a latency in seconds, in the simulator's shape (`LatencySummary`'s
/// keys: `mean`, `p50`, `p90`, `p95`, `p99`, `maximum`, `count`); the percentiles are exact
/// nearest-rank order statistics (the q-quantile of n samples is the ⌈q·n⌉-th smallest, the rank
/// the simulator's histogram uses). Figures of no samples are nan (`null` in JSON).
///
/// ```swift
/// let stats = LatencyStatistics(samples: [0.1, 0.2, 0.3, 0.4])
/// assert(stats.p50 == 0.2 && stats.p99 == 0.4)
/// ```
public struct LatencyStatistics: Sendable, Codable, Hashable {
    public var mean: Double
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double
    /// Largest sample.
    public var maximum: Double
    /// Samples behind the figures.
    public var count: Int

    /// The statistics of `samples` (any order).
    public init(samples: [Double]) {
        let sorted = samples.sorted()
        count = sorted.count
        mean = sorted.isEmpty ? .nan : sorted.reduce(0, +) / Double(sorted.count)
        maximum = sorted.last ?? .nan
        p50 = Self.percentile(sorted, 0.5)
        p90 = Self.percentile(sorted, 0.9)
        p95 = Self.percentile(sorted, 0.95)
        p99 = Self.percentile(sorted, 0.99)
    }

    /// Figures given directly (e.g. from a histogram's summary).
    public init(mean: Double, p50: Double, p90: Double, p95: Double, p99: Double, maximum: Double, count: Int) {
        self.mean = mean
        self.p50 = p50
        self.p90 = p90
        self.p95 = p95
        self.p99 = p99
        self.maximum = maximum
        self.count = count
    }

    /// The ⌈q·n⌉-th smallest of `sorted` (at least the first); nan when empty.
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = max(1, Int((q * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }
}
