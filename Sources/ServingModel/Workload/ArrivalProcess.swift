/// When the requests of one class arrive: a renewal process given by its inter-arrival gaps.
public enum ArrivalProcess: Sendable, Hashable {
    /// Poisson arrivals: exponential gaps with the given rate in requests per second.
    case poisson(rate: Double)
    /// Gamma-distributed gaps with mean `1/rate` and coefficient of variation `cv` (standard
    /// deviation over mean): `cv` 1 is as bursty as Poisson, above 1 burstier, below 1 more regular,
    /// and 0 perfectly regular (every gap exactly `1/rate`).
    case gamma(rate: Double, cv: Double)

    /// Mean arrival rate in requests per second.
    public var rate: Double {
        switch self {
        case let .poisson(rate), let .gamma(rate, _): return rate
        }
    }

    /// The time in seconds from one arrival to the next.
    public func nextGap(_ random: inout SeededRandom) -> Double {
        switch self {
        case let .poisson(rate):
            return random.exponential(rate: rate)
        case let .gamma(rate, cv):
            guard cv > 0 else { return 1 / rate }
            // Shape k = 1/cv² and scale cv²/rate give mean 1/rate and standard deviation cv/rate.
            let squaredCV = cv * cv
            return random.gamma(shape: 1 / squaredCV, scale: squaredCV / rate)
        }
    }
}
