import Foundation
import Planning

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
    public func percentile(_ q: Double) -> Double { quantiles([q])[0] }

    /// The quantiles at `fractions` (ascending, each in (0, 1]) in one pass over the buckets: the
    /// ⌈q·n⌉-th smallest sample's bucket midpoint, clamped to [minimum, maximum]; nan when empty.
    public func quantiles(_ fractions: [Double]) -> [Double] {
        guard count > 0 else { return fractions.map { _ in .nan } }
        var result: [Double] = []
        result.reserveCapacity(fractions.count)
        var next = 0
        var seen = 0
        for (index, bucketCount) in counts.enumerated() where bucketCount > 0 {
            seen += Int(bucketCount)
            while next < fractions.count, seen >= max(1, Int((fractions[next] * Double(count)).rounded(.up))) {
                result.append(value(ofBucket: index))
                next += 1
            }
            if next == fractions.count { break }
        }
        while result.count < fractions.count { result.append(maximum) }
        return result
    }

    /// The value a quantile falling in bucket `index` is reported as.
    private func value(ofBucket index: Int) -> Double {
        if index == 0 { return minimum }
        let lower = Self.smallest * Foundation.pow(Self.growth, Double(index - 1))
        let midpoint = lower * Self.growth.squareRoot()
        return Swift.min(maximum, Swift.max(minimum, midpoint))
    }

    /// The distribution at `LatencyCDF.fractions`, the last point (fraction 1) the exact maximum;
    /// empty when nothing was recorded.
    public func cdf() -> [LatencyCDFPoint] {
        guard count > 0 else { return [] }
        let fractions = LatencyCDF.fractions
        var seconds = quantiles(fractions)
        seconds[seconds.count - 1] = maximum
        return zip(fractions, seconds).map { LatencyCDFPoint(fraction: $0, seconds: $1) }
    }

    /// The usual summary: mean, p50, p90, p95, p99, maximum and the distribution, the
    /// percentiles read from the distribution's points (one pass over the buckets).
    public var summary: LatencySummary {
        let cdf = cdf()
        func at(_ fraction: Double) -> Double { cdf.first { $0.fraction == fraction }?.seconds ?? .nan }
        return LatencySummary(
            mean: mean, p50: at(0.5), p90: at(0.9), p95: at(0.95), p99: at(0.99),
            maximum: count == 0 ? .nan : maximum, count: count, cdf: cdf)
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
    /// The distribution at `LatencyCDF.fractions` (fraction 1 is `maximum`); empty when `count` is 0.
    public var cdf: [LatencyCDFPoint]

    /// The mean over seeds of each figure (seeds without samples, whose figures are nan, left out),
    /// the largest maximum, the samples of all seeds.
    static func seedMean(_ summaries: [LatencySummary]) -> LatencySummary {
        func mean(_ value: (LatencySummary) -> Double) -> Double { Estimate(summaries.map(value)).mean }
        return LatencySummary(
            mean: mean(\.mean), p50: mean(\.p50), p90: mean(\.p90), p95: mean(\.p95), p99: mean(\.p99),
            maximum: summaries.map(\.maximum).max() ?? .nan, count: summaries.reduce(0) { $0 + $1.count },
            cdf: LatencyCDF.mean(summaries.map(\.cdf)))
    }
}
