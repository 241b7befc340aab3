import Foundation
import ServingModel

/// A documented generator of judge scores for users without their own sample.
///
/// Each request j has a latent difficulty d_j ~ N(0, 1). Model i has a strength s_i; by default
/// s_i = `strengthPerLogSize` · ln(W_i / W_1), where W_i is the model's total parameter count, so
/// a model ten times larger is `strengthPerLogSize` · 2.3 logits stronger. The score of model i on
/// request j is
///
///     100 · σ(base + s_i − d_j + noise · (√ρ · e_j + √(1 − ρ) · ε_ij)),   σ the logistic function,
///
/// with e_j, ε_ij ~ N(0, 1): the shared term e_j makes the models' errors correlated (ρ), as
/// judge scores of different models on the same prompt are. With the defaults (base 1.2, 0.6 per
/// log size, noise 0.6, ρ 0.5) the DeepSeek cascade 7B → 70B → 671B scores about 72, 88 and 95 on
/// average. Prompt lengths come from the workload's distribution, output lengths independently per
/// model from `outputTokens`. Everything is drawn from one seeded stream.
public struct SyntheticQuality: Sendable, Hashable {
    /// Requests to draw.
    public var requests: Int
    /// Seed of the random stream.
    public var seed: UInt64
    /// Logit of the smallest model on a request of average difficulty.
    public var base = 1.2
    /// Strength gained per natural-log unit of parameter count.
    public var strengthPerLogSize = 0.6
    /// Standard deviation of the per-answer noise, in logits.
    public var noise = 0.6
    /// Correlation of the noise between models on the same request.
    public var correlation = 0.5

    /// A generator of `requests` samples from `seed`, with the default shape parameters.
    public init(requests: Int, seed: UInt64) {
        self.requests = requests
        self.seed = seed
    }

    /// Default strengths of `models` (smallest first) from their parameter counts.
    public func strengths(_ models: [ModelSpec]) -> [Double] {
        models.map { strengthPerLogSize * log($0.parameterCount / models[0].parameterCount) }
    }

    /// Draws the sample.
    public func generate(
        models: [ModelSpec], promptTokens: LengthDistribution, outputTokens: LengthDistribution
    ) -> QualitySamples {
        var random = SeededRandom(seed: seed)
        let strength = strengths(models)
        let shared = correlation.squareRoot(), own = (1 - correlation).squareRoot()
        var samples: [QualitySample] = []
        samples.reserveCapacity(requests)
        for _ in 0..<requests {
            let difficulty = random.standardNormal()
            let common = random.standardNormal()
            let prompt = promptTokens.sample(&random)
            var scores: [Double] = []
            var outputs: [Int] = []
            for s in strength {
                let logit = base + s - difficulty + noise * (shared * common + own * random.standardNormal())
                scores.append(100 / (1 + exp(-logit)))
                outputs.append(outputTokens.sample(&random))
            }
            samples.append(QualitySample(promptTokens: prompt, outputTokens: outputs, scores: scores))
        }
        return QualitySamples(models: models.map(\.name), requests: samples)
    }
}
