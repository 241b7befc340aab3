import Foundation

/// A streaming histogram of positive durations with logarithmic buckets (relative width 1%), so
/// percentiles cost constant memory whatever the number of samples. A percentile is reported as
/// its bucket's geometric midpoint: at most 0.5% from the exact order statistic. Mean, minimum and
/// maximum are exact.
public struct LatencyHistogram: Sendable {
    static let smallest = 1e-6
    static let growth = 1.01
    static let logGrowth = Foundation.log(growth)
    static let bucketCount = Int((Foundation.log(1e6 / smallest) / logGrowth).rounded(.up)) + 2

    private var counts: [UInt32]
    public private(set) var count = 0
    public private(set) var sum = 0.0
    public private(set) var minimum = Double.infinity
    public private(set) var maximum = 0.0

    public init() { counts = [UInt32](repeating: 0, count: Self.bucketCount) }

    /// Adds one duration in seconds (values below 1 µs share the first bucket).
    public mutating func record(_ seconds: Double) {
        count += 1
        sum += seconds
        minimum = min(minimum, seconds)
        maximum = max(maximum, seconds)
        counts[Self.bucket(seconds)] &+= 1
    }

    static func bucket(_ seconds: Double) -> Int {
        guard seconds > smallest else { return 0 }
        return min(bucketCount - 1, 1 + Int(Foundation.log(seconds / smallest) / logGrowth))
    }

    /// Mean (nan when empty).
    public var mean: Double { count == 0 ? .nan : sum / Double(count) }

    /// The q-quantile (0 < q ≤ 1), nan when empty.
    public func percentile(_ q: Double) -> Double {
        guard count > 0 else { return .nan }
        let rank = max(1, Int((q * Double(count)).rounded(.up)))
        var seen = 0
        for (index, bucketCount) in counts.enumerated() where bucketCount > 0 {
            seen += Int(bucketCount)
            if seen >= rank {
                if index == 0 { return minimum }
                let lower = Self.smallest * Foundation.pow(Self.growth, Double(index - 1))
                let midpoint = lower * Self.growth.squareRoot()
                return Swift.min(maximum, Swift.max(minimum, midpoint))
            }
        }
        return maximum
    }

    /// The usual summary: mean, p50, p90, p95, p99, maximum.
    public var summary: LatencySummary {
        LatencySummary(
            mean: mean, p50: percentile(0.5), p90: percentile(0.9), p95: percentile(0.95), p99: percentile(0.99),
            maximum: count == 0 ? .nan : maximum, count: count)
    }
}

/// Mean and percentiles of a latency, in seconds.
public struct LatencySummary: Sendable, Codable, Hashable {
    public var mean: Double
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double
    /// Largest sample (exact).
    public var maximum: Double
    /// Samples behind the figures.
    public var count: Int
}
