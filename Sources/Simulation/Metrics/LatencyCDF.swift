/// One point of a latency's empirical distribution: `fraction` of the samples took at most
/// `seconds` (the nearest-rank quantile, as `LatencyHistogram.percentile` reads it).
public struct LatencyCDFPoint: Sendable, Codable, Hashable {
    public var fraction: Double
    public var seconds: Double

    public init(fraction: Double, seconds: Double) {
        self.fraction = fraction
        self.seconds = seconds
    }
}

/// The fractions every latency distribution is reported at, and how distributions of several
/// seeds are pooled.
///
/// ```swift
/// let cdf = histogram.cdf()                        // one point per LatencyCDF.fractions
/// let pooled = LatencyCDF.mean([cdf, otherSeedCdf])
/// ```
public enum LatencyCDF {
    /// 0.01, 0.025, 0.05 … 0.95 in steps of 0.05, 0.975, 0.99, 0.995, 0.999 and 1 (the maximum):
    /// fine in the tails, where latency targets sit.
    public static let fractions: [Double] =
        [0.01, 0.025] + (1...19).map { Double($0 * 5) / 100 } + [0.975, 0.99, 0.995, 0.999, 1]

    /// Each fraction's seconds averaged over the distributions that have points (the seeds that
    /// measured something); `weights` (one per distribution, e.g. its sample count) make it a
    /// weighted mean. Empty when none has points.
    public static func mean(_ distributions: [[LatencyCDFPoint]], weights: [Double]? = nil) -> [LatencyCDFPoint] {
        let weighted = zip(distributions, weights ?? distributions.map { _ in 1 }).filter { !$0.0.isEmpty && $0.1 > 0 }
        guard let first = weighted.first?.0 else { return [] }
        let total = weighted.reduce(0) { $0 + $1.1 }
        return first.indices.map { index in
            let seconds = weighted.reduce(0.0) { $0 + $1.0[index].seconds * $1.1 } / total
            return LatencyCDFPoint(fraction: first[index].fraction, seconds: seconds)
        }
    }
}
