import Foundation

/// The distribution of a token count (prompt or output length) of requests in one class.
///
/// Every family draws a real number and `sample(_:)` turns it into whole tokens: it rounds to the
/// nearest integer and clamps at 1 (a request has at least one token), and at `ScenarioMaxima.tokens`
/// (10 million, the most a scenario may give) so that the far tail of a heavy distribution cannot
/// overflow. `DistributionFit` scores fits against exactly this rounded, clamped law.
public enum LengthDistribution: Sendable, Hashable {
    /// Always the same length.
    case fixed(Int)
    /// Exponential with the given mean.
    case exponential(mean: Double)
    /// Lognormal given by the mean and standard deviation of the length itself (not of its log).
    case lognormal(mean: Double, sd: Double)
    /// Every whole length in `min...max` equally likely (`min <= max`).
    case uniform(min: Int, max: Int)
    /// One of the given lengths, each equally likely (repeat a value to weight it). Must not be empty.
    case empirical([Int])

    /// One length in tokens, always at least 1 (see the type's notes on rounding and clamping).
    public func sample(_ random: inout SeededRandom) -> Int {
        switch self {
        case let .fixed(length):
            return Swift.max(1, length)
        case let .exponential(mean):
            return Self.wholeTokens(random.exponential(rate: 1 / mean))
        case let .lognormal(mean, sd):
            let (mu, sigma) = Self.logParameters(mean: mean, sd: sd)
            return Self.wholeTokens(Foundation.exp(mu + sigma * random.standardNormal()))
        case let .uniform(low, high):
            return Swift.max(1, random.integer(in: low...high))
        case let .empirical(lengths):
            return Swift.max(1, lengths[random.integer(in: 0...(lengths.count - 1))])
        }
    }

    /// The mean length: exact for `fixed`, `uniform` and `empirical` (clamp at 1 included); for
    /// `exponential` and `lognormal` the mean of the continuous law before rounding, which differs
    /// from the sample mean by a small fraction of a token when the mean is well above 1.
    public var mean: Double {
        switch self {
        case let .fixed(length):
            return Double(Swift.max(1, length))
        case let .exponential(mean), let .lognormal(mean, _):
            return mean
        case let .uniform(low, high):
            // Values below 1 count as 1.
            let clamped = Swift.max(0, Swift.min(high, 0) - low + 1)
            let from = Swift.max(low, 1)
            let sumAbove = from <= high ? Double(from + high) * Double(high - from + 1) / 2 : 0
            return (Double(clamped) + sumAbove) / Double(high - low + 1)
        case let .empirical(lengths):
            return Double(lengths.reduce(0) { $0 + Swift.max(1, $1) }) / Double(lengths.count)
        }
    }

    /// μ and σ of log(length) for a lognormal with this mean and standard deviation.
    static func logParameters(mean: Double, sd: Double) -> (mu: Double, sigma: Double) {
        let variance = Foundation.log1p((sd / mean) * (sd / mean))
        return (Foundation.log(mean) - variance / 2, variance.squareRoot())
    }

    /// The largest length `sample(_:)` returns.
    static let maximumLength = ScenarioMaxima.tokens

    /// A real length rounded to the nearest whole token and clamped to `1...maximumLength`.
    static func wholeTokens(_ value: Double) -> Int {
        guard value < Double(maximumLength) else { return maximumLength }
        return Swift.max(1, Int(value.rounded()))
    }
}
