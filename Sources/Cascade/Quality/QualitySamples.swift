/// One sampled request run on every model of the cascade and judged.
public struct QualitySample: Sendable, Hashable {
    /// Prompt (prefill) tokens, at least 1.
    public var promptTokens: Int
    /// Output tokens of each model's answer, in cascade order, each at least 1.
    public var outputTokens: [Int]
    /// The judge's score (0–100) of each model's answer, in cascade order.
    public var scores: [Double]

    /// A sampled request.
    public init(promptTokens: Int, outputTokens: [Int], scores: [Double]) {
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.scores = scores
    }
}

/// The offline quality model: a sample of requests pre-run on every model of the cascade and judged
/// (Cascadia §3). Replaying it under thresholds gives each stage's workload and the system quality.
public struct QualitySamples: Sendable {
    /// The cascade's model names, smallest first; every sample has one score and length per model.
    public var models: [String]
    /// The sampled requests.
    public var requests: [QualitySample]

    /// Samples for `models`; every request must carry one output length and one score per model.
    public init(models: [String], requests: [QualitySample]) {
        precondition(requests.allSatisfy { $0.scores.count == models.count && $0.outputTokens.count == models.count })
        self.models = models
        self.requests = requests
    }

    /// Mean score when every request is answered by stage `stage` alone (z₂* for the first stage,
    /// z₁* for the last).
    public func qualityAllOn(_ stage: Int) -> Double {
        requests.reduce(0) { $0 + $1.scores[stage] } / Double(max(1, requests.count))
    }

    /// Replays the sample under `thresholds` (one per stage but the last): a request answered by
    /// stage k is accepted when its score there is at least `thresholds[k]`, otherwise it is re-run
    /// on stage k + 1; the last stage always answers.
    public func replay(_ thresholds: [Double]) -> RoutingOutcome {
        precondition(thresholds.count == models.count - 1, "one threshold per stage but the last")
        let stages = models.count
        var reached = [[Int]](repeating: [], count: stages)
        var final = [Int](repeating: stages - 1, count: requests.count)
        var total = 0.0
        for (index, request) in requests.enumerated() {
            var stage = 0
            while true {
                reached[stage].append(index)
                if stage == stages - 1 || request.scores[stage] >= thresholds[stage] { break }
                stage += 1
            }
            final[index] = stage
            total += request.scores[stage]
        }
        let count = Double(max(1, requests.count))
        return RoutingOutcome(
            thresholds: thresholds, reachFraction: reached.map { Double($0.count) / count },
            quality: total / count, reached: reached, finalStage: final)
    }
}

/// What a threshold vector does to the sample.
public struct RoutingOutcome: Sendable {
    /// The thresholds replayed.
    public var thresholds: [Double]
    /// Share of requests each stage runs (1 for the first stage).
    public var reachFraction: [Double]
    /// System quality Q(θ): the mean judge score of the answers finally returned.
    public var quality: Double
    /// Indices (into the sample) of the requests each stage runs.
    public var reached: [[Int]]
    /// The stage whose answer each request returns.
    public var finalStage: [Int]
}
