/// One metric summarised across seeds: mean, sample standard deviation and the 95 % confidence
/// half-width of the mean (Student's t), the one way every verb summarises seeds.
///
/// With one finite value `std` is 0 and `halfWidth95` is NaN (written `null` in JSON); with none,
/// every figure is NaN. Non-finite per-seed values are left out and `samples` counts the rest.
/// ```
/// let revenue = Estimate([41.2, 40.8, 41.9])   // mean 41.3, std 0.557, halfWidth95 1.38
/// ```
public struct Estimate: Sendable, Codable, Hashable {
    public var mean: Double
    /// Sample standard deviation (n − 1 divisor; 0 for one value).
    public var std: Double
    /// Half-width of the 95 % confidence interval of the mean (NaN with fewer than two values).
    public var halfWidth95: Double
    /// Finite values the estimate is made of.
    public var samples: Int

    /// The estimate from per-seed values (non-finite values are ignored).
    public init(_ values: [Double]) {
        let finite = values.filter(\.isFinite)
        samples = finite.count
        guard !finite.isEmpty else {
            mean = .nan
            std = .nan
            halfWidth95 = .nan
            return
        }
        let average = finite.reduce(0, +) / Double(finite.count)
        mean = average
        guard finite.count > 1 else {
            std = 0
            halfWidth95 = .nan
            return
        }
        let variance = finite.map { ($0 - average) * ($0 - average) }.reduce(0, +) / Double(finite.count - 1)
        std = variance.squareRoot()
        halfWidth95 = Self.tQuantile975(degreesOfFreedom: finite.count - 1) * (variance / Double(finite.count)).squareRoot()
    }

    /// The same estimate in other units (mean, std and half-width multiplied by `factor`).
    public func scaled(by factor: Double) -> Estimate {
        var copy = self
        copy.mean *= factor
        copy.std *= factor
        copy.halfWidth95 *= factor
        return copy
    }

    /// The 97.5 % quantile of Student's t (two-sided 95 %), tabulated to 30 degrees of freedom.
    static func tQuantile975(degreesOfFreedom df: Int) -> Double {
        let table: [Double] = [
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
            2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
        ]
        return df <= table.count ? table[df - 1] : 1.96
    }
}
