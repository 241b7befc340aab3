import ServingModel

/// One stage of a cascade to simulate.
public struct CascadeStage: Sendable {
    /// The model served.
    public var model: ModelSpec
    /// Which model of the quality sample this stage is (its output lengths and scores).
    public var sampleColumn: Int
    /// Its replicas.
    public var layout: StageLayout
    /// GPUs allotted (replicas may leave some idle).
    public var gpus: Int

    /// A stage.
    public init(model: ModelSpec, sampleColumn: Int, layout: StageLayout, gpus: Int) {
        self.model = model
        self.sampleColumn = sampleColumn
        self.layout = layout
        self.gpus = gpus
    }
}

/// A cascade to simulate or compare: stages and thresholds (one per stage but the last).
public struct CascadeConfiguration: Sendable {
    /// A label for reports (`cascadia`, `single-model`, …).
    public var name: String
    /// The stages in order.
    public var stages: [CascadeStage]
    /// Acceptance thresholds.
    public var thresholds: [Double]

    /// A configuration.
    public init(name: String, stages: [CascadeStage], thresholds: [Double]) {
        precondition(thresholds.count == stages.count - 1)
        self.name = name
        self.stages = stages
        self.thresholds = thresholds
    }

    /// The quality of the answers it returns on `samples`.
    public func quality(on samples: QualitySamples) -> Double { replay(samples).quality }

    /// Replays `samples` through the stages (each stage reading its model's column): the requests
    /// each stage runs and the mean score of the returned answers.
    public func replay(_ samples: QualitySamples) -> (reached: [[Int]], quality: Double) {
        var reached = [[Int]](repeating: [], count: stages.count)
        var total = 0.0
        for (index, request) in samples.requests.enumerated() {
            var stage = 0
            reached[0].append(index)
            while stage < stages.count - 1 && request.scores[stages[stage].sampleColumn] < thresholds[stage] {
                stage += 1
                reached[stage].append(index)
            }
            total += request.scores[stages[stage].sampleColumn]
        }
        return (reached, total / Double(max(1, samples.requests.count)))
    }
}
