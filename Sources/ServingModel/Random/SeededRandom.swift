import Foundation

/// A seeded, reproducible random number generator (xoshiro256**, seeded through SplitMix64),
/// with the samplers the workloads and the simulator need.
///
/// There is no global state: every consumer owns its generator, and `substream(_:)` derives
/// independent generators (per request class, per replica) from one seed, so adding a consumer
/// does not shift the numbers another one sees.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)
    /// The seed this generator was created from.
    public let seed: UInt64

    /// A generator for `seed`.
    public init(seed: UInt64) {
        self.seed = seed
        var mixer = seed
        func splitMix() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var z = mixer
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// An independent generator derived from this one's seed and `index` (not from its current state).
    public func substream(_ index: UInt64) -> SeededRandom {
        SeededRandom(seed: seed ^ (0xD1B5_4A32_D192_ED03 &* (index &+ 1)))
    }

    public mutating func next() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = state.3 << 45 | state.3 >> 19
        return result
    }

    /// Uniform in the open interval (0, 1).
    public mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1.0p-53
    }

    /// Exponential with the given rate (mean 1/rate).
    public mutating func exponential(rate: Double) -> Double {
        -Foundation.log(uniform()) / rate
    }

    /// Standard normal (Box–Muller; one value per call).
    public mutating func standardNormal() -> Double {
        let u1 = uniform()
        let u2 = uniform()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    /// Gamma with shape k > 0 and the given scale (mean k·scale), by Marsaglia & Tsang (2000);
    /// shapes below 1 use the boost Γ(k) = Γ(k+1)·U^(1/k).
    public mutating func gamma(shape: Double, scale: Double) -> Double {
        if shape < 1 {
            return gamma(shape: shape + 1, scale: scale) * Foundation.pow(uniform(), 1 / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = standardNormal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniform()
            if u < 1 - 0.0331 * x * x * x * x { return d * v * scale }
            if Foundation.log(u) < 0.5 * x * x + d * (1 - v + Foundation.log(v)) { return d * v * scale }
        }
    }

    /// Uniform integer in a closed range.
    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &self)
    }
}
