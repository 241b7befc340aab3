import Foundation
import ServingModel

/// A reproducible generator of routing statistics with the features that make placement matter.
///
/// Recipe, per MoE layer l:
/// 1. Popularity: p[l,e] ∝ (r_l(e) + 1)^(−zipf), where r_l is a random permutation of the experts
///    (each layer has its own hot experts).
/// 2. Per-source skew: q[l,s,e] ∝ p[l,e] · g[l,s,e] with g ~ Gamma(1/skew², skew²) (mean 1,
///    coefficient of variation `sourceSkew`; 0 means every source routes alike).
/// 3. Tokens are spread evenly over the sources; each token draws top-k experts independently
///    from q[l,s,·] (with replacement: hop and load metrics are linear in the counts, so only the
///    counts matter). The profiling and evaluation splits are independent draws of `tokens` tokens
///    each from the same q.
public struct SyntheticActivations: Sendable, Hashable {
    /// Power-law exponent of expert popularity.
    public var zipf: Double
    /// Coefficient of variation of the per-source multipliers.
    public var sourceSkew: Double
    /// Tokens per split.
    public var tokens: Int
    /// Seed of every random choice.
    public var seed: UInt64

    /// Creates a generator.
    public init(zipf: Double, sourceSkew: Double, tokens: Int, seed: UInt64) {
        self.zipf = zipf
        self.sourceSkew = sourceSkew
        self.tokens = tokens
        self.seed = seed
    }

    /// Both splits for `layers` MoE layers of `experts` experts, top-`topK`, over `sources` sources.
    public func generate(layers: Int, experts: Int, topK: Int, sources: Int) -> ActivationData {
        let root = SeededRandom(seed: seed)
        var shape = root.substream(0)
        var tables: [[AliasTable]] = []
        for _ in 0..<layers {
            var ranks = Array(0..<experts)
            for i in stride(from: experts - 1, to: 0, by: -1) { ranks.swapAt(i, shape.integer(in: 0...i)) }
            let popularity = ranks.map { pow(Double($0 + 1), -zipf) }
            tables.append((0..<sources).map { _ in
                let weights = popularity.map { p -> Double in
                    guard sourceSkew > 0 else { return p }
                    let k = 1 / (sourceSkew * sourceSkew)
                    return p * shape.gamma(shape: k, scale: 1 / k)
                }
                return AliasTable(weights: weights)
            })
        }
        func draw(_ stream: UInt64) -> ActivationCounts {
            var random = root.substream(stream)
            var counts = ActivationCounts(layers: layers, sources: sources, experts: experts, tokens: Double(tokens))
            for l in 0..<layers {
                for s in 0..<sources {
                    let share = tokens / sources + (s < tokens % sources ? 1 : 0)
                    let base = counts.index(l, s, 0)
                    for _ in 0..<(share * topK) { counts.counts[base + tables[l][s].sample(&random)] += 1 }
                }
            }
            return counts
        }
        return ActivationData(profile: draw(1), evaluation: draw(2))
    }
}

/// Walker's alias method: O(1) draws from a fixed discrete distribution.
struct AliasTable: Sendable {
    private var probability: [Double]
    private var alias: [Int]

    /// A table for weights (non-negative, not all zero).
    init(weights: [Double]) {
        let n = weights.count
        let total = weights.reduce(0, +)
        var scaled = weights.map { $0 * Double(n) / total }
        probability = [Double](repeating: 1, count: n)
        alias = Array(0..<n)
        var small = scaled.indices.filter { scaled[$0] < 1 }
        var large = scaled.indices.filter { scaled[$0] >= 1 }
        while let s = small.popLast(), let l = large.last {
            probability[s] = scaled[s]
            alias[s] = l
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 {
                large.removeLast()
                small.append(l)
            }
        }
    }

    /// One draw.
    func sample(_ random: inout SeededRandom) -> Int {
        let n = probability.count
        let i = min(n - 1, Int(random.uniform() * Double(n)))
        return random.uniform() < probability[i] ? i : alias[i]
    }
}
