import Foundation

/// One family fitted to a sample of lengths.
public struct FitResult: Sendable, Hashable {
    /// The family: `fixed`, `exponential`, `lognormal` or `uniform`.
    public var family: String
    /// The fitted distribution, ready to sample from.
    public var distribution: LengthDistribution
    /// The fitted parameters as text, e.g. `mean=812.41 sd=403.9`.
    public var parameters: String
    /// The same parameters as numbers by name, e.g. `["mean": 812.41, "sd": 403.9]`.
    public var parameterValues: [String: Double]
    /// Natural log of the sample's probability under `distribution`.
    public var logLikelihood: Double
    /// Kolmogorov–Smirnov distance: the largest gap between the sample's CDF and the fitted one.
    public var ksStatistic: Double
    /// Akaike information criterion, 2·(parameters) − 2·logLikelihood; lower is better.
    public var aic: Double
}

/// Maximum-likelihood fits of the length families to a sample, with goodness-of-fit figures.
///
/// Parameters are the closed-form maximum-likelihood estimates of the continuous families:
/// exponential mean = sample mean; lognormal μ and σ = mean and (1/n) standard deviation of the
/// logs, reported as the mean and standard deviation of the length; uniform min and max = the
/// sample's extremes; fixed only when every value is the same. Likelihood and KS distance are
/// computed for whole-token data under the law `LengthDistribution.sample` draws from (the
/// continuous law rounded to the nearest token, clamped at 1), so all families, the discrete
/// `fixed` and `uniform` included, are compared on the same footing.
public enum DistributionFit {
    /// Every family that applies, best (lowest AIC) first. `samples` are lengths of at least 1;
    /// an empty sample gives no fits.
    public static func fitAll(_ samples: [Int]) -> [FitResult] {
        guard let low = samples.min(), let high = samples.max() else { return [] }
        precondition(low >= 1, "lengths must be at least 1")
        let sorted = samples.sorted()
        let count = Double(samples.count)
        let mean = Double(samples.reduce(0, +)) / count
        let logs = samples.map { Foundation.log(Double($0)) }
        let mu = logs.reduce(0, +) / count
        let sigma = (logs.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / count).squareRoot()
        let lognormalMean = Foundation.exp(mu + sigma * sigma / 2)
        let lognormalSD = lognormalMean * Foundation.expm1(sigma * sigma).squareRoot()

        var fits: [FitResult] = []
        if low == high {
            fits.append(fit(.fixed(low), "fixed", ["value": Double(low)], sorted))
        }
        fits.append(fit(.exponential(mean: mean), "exponential", ["mean": mean], sorted))
        fits.append(fit(.lognormal(mean: lognormalMean, sd: lognormalSD), "lognormal", ["mean": lognormalMean, "sd": lognormalSD], sorted))
        fits.append(fit(.uniform(min: low, max: high), "uniform", ["min": Double(low), "max": Double(high)], sorted))
        return fits.enumerated()
            .sorted { $0.element.aic != $1.element.aic ? $0.element.aic < $1.element.aic : $0.offset < $1.offset }
            .map(\.element)
    }

    /// `distribution` scored on `sorted`; `values` are its parameters by name (their count is AIC's k).
    private static func fit(
        _ distribution: LengthDistribution, _ family: String, _ values: KeyValuePairs<String, Double>, _ sorted: [Int]
    ) -> FitResult {
        let law = RoundedLaw(distribution)
        var logLikelihood = 0.0
        var distance = 0.0
        var index = 0
        while index < sorted.count {
            let value = sorted[index]
            var end = index
            while end < sorted.count && sorted[end] == value { end += 1 }
            logLikelihood += Double(end - index) * law.logProbability(value)
            // Both CDFs are steps at whole numbers, so the largest gap is at a sample value or
            // just before one (where the sample's CDF still has its previous level).
            let before = Double(index) / Double(sorted.count)
            let after = Double(end) / Double(sorted.count)
            distance = max(distance, abs(after - law.cdf(value)), abs(before - law.cdf(value - 1)))
            index = end
        }
        let text = values.map { name, value in
            "\(name)=" + (value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))" : decimal(value))
        }.joined(separator: " ")
        return FitResult(
            family: family, distribution: distribution, parameters: text,
            parameterValues: Dictionary(uniqueKeysWithValues: values.map { ($0.key, $0.value) }), logLikelihood: logLikelihood,
            ksStatistic: distance, aic: 2 * Double(values.count) - 2 * logLikelihood)
    }

    /// Six significant figures at most, without trailing zeros.
    private static func decimal(_ value: Double) -> String {
        String(format: "%.6g", value)
    }
}

/// The whole-token law of a `LengthDistribution`: the continuous value rounded to the nearest
/// integer, with everything below 1.5 at 1.
struct RoundedLaw {
    let distribution: LengthDistribution

    init(_ distribution: LengthDistribution) { self.distribution = distribution }

    /// P(length ≤ k).
    func cdf(_ k: Int) -> Double {
        guard k >= 1 else { return 0 }
        switch distribution {
        case let .fixed(length):
            return k >= max(1, length) ? 1 : 0
        case let .uniform(low, high):
            return min(1, max(0, Double(k - low + 1) / Double(high - low + 1)))
        case let .empirical(lengths):
            return Double(lengths.filter { max(1, $0) <= k }.count) / Double(lengths.count)
        case .exponential, .lognormal:
            return 1 - survival(Double(k) + 0.5)
        }
    }

    /// log P(length = k), accurate far into the tails.
    func logProbability(_ k: Int) -> Double {
        switch distribution {
        case .exponential, .lognormal:
            let upper = survival(Double(k) + 0.5)
            let lower = k <= 1 ? 1 : survival(Double(k) - 0.5)
            // Differences of survival functions keep precision in the upper tail, where 1 − CDF is tiny.
            let probability = lower - upper
            return probability > 0 ? Foundation.log(probability) : logDensity(Double(k))
        default:
            return Foundation.log(cdf(k) - cdf(k - 1))
        }
    }

    /// P(continuous value > x) for the continuous families.
    private func survival(_ x: Double) -> Double {
        switch distribution {
        case let .exponential(mean):
            return Foundation.exp(-x / mean)
        case let .lognormal(mean, sd):
            let (mu, sigma) = LengthDistribution.logParameters(mean: mean, sd: sd)
            return 0.5 * Foundation.erfc((Foundation.log(x) - mu) / (sigma * 2.0.squareRoot()))
        default:
            preconditionFailure("survival is for continuous families")
        }
    }

    /// log density of the continuous families, the probability of a one-token bin when the
    /// difference of survival values underflows.
    private func logDensity(_ x: Double) -> Double {
        switch distribution {
        case let .exponential(mean):
            return -Foundation.log(mean) - x / mean
        case let .lognormal(mean, sd):
            let (mu, sigma) = LengthDistribution.logParameters(mean: mean, sd: sd)
            let z = (Foundation.log(x) - mu) / sigma
            return -z * z / 2 - Foundation.log(x * sigma * (2 * Double.pi).squareRoot())
        default:
            preconditionFailure("density is for continuous families")
        }
    }
}
