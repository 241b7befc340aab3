import ServingModel

/// How throughput mode turns the end-to-end SLO T (less the judge calls) into the per-stage p95
/// budgets of the rate tables (`CascadePlanner.budgetCandidates()`).
public enum StageBudget: String, Sendable, Hashable, CaseIterable {
    /// Every stage gets T: optimistic where many requests escalate.
    case whole
    /// T split in proportion to the models' unloaded p95s: conservative, every path fits.
    case split
    /// Both, plus every split of T on a 0.2 grid (each stage at least 0.2 T); each candidate's
    /// deployment is scored by its estimated end-to-end sustainable rate (`EndToEndEstimate`) and
    /// the best is kept. The default.
    case search
}

/// Everything the bi-level planner needs: the cascade, the GPU pool, the traffic, the quality
/// sample and target, and the goal.
public struct CascadeProblem: Sendable {
    /// The models, smallest (by parameter count) first.
    public var models: [ModelSpec]
    /// The GPU type, node size and engine limits.
    public var engine: CascadeEngine
    /// GPUs in the pool (N).
    public var totalGPUs: Int
    /// Requests per second entering the first stage.
    public var arrivalRate: Double
    /// The judge-score sample.
    public var samples: QualitySamples
    /// The quality target q_min (mean judge score of the returned answers).
    public var qualityTarget: Double
    /// What the deployment level optimises.
    public var objective: DeploymentObjective
    /// End-to-end p95 latency SLO in seconds (required for the throughput objective; used by the
    /// evaluation's attainment figures).
    public var sloP95: Double?
    /// Seconds one judge call adds after every non-final stage a request visits (Cascadia: 0.27 s).
    public var judgeLatency: Double
    /// μ, the weight of the quality shortfall in J (seconds, or seconds per request in throughput mode).
    public var penalty: Double
    /// Step of the threshold grid on the 0–100 score scale.
    public var thresholdStep: Double
    /// Throughput mode: how the SLO becomes per-stage p95 budgets; see `StageBudget`.
    public var stageBudget = StageBudget.search

    /// Default judge latency (seconds) and penalty weight.
    public static let defaultJudgeLatency = 0.27
    public static let defaultPenalty = 1000.0

    /// A problem; see the properties for the meaning of each value.
    public init(
        models: [ModelSpec], engine: CascadeEngine, totalGPUs: Int, arrivalRate: Double, samples: QualitySamples,
        qualityTarget: Double, objective: DeploymentObjective, sloP95: Double? = nil,
        judgeLatency: Double = CascadeProblem.defaultJudgeLatency, penalty: Double = CascadeProblem.defaultPenalty,
        thresholdStep: Double = 5
    ) {
        self.models = models
        self.engine = engine
        self.totalGPUs = totalGPUs
        self.arrivalRate = arrivalRate
        self.samples = samples
        self.qualityTarget = qualityTarget
        self.objective = objective
        self.sloP95 = sloP95
        self.judgeLatency = judgeLatency
        self.penalty = penalty
        self.thresholdStep = thresholdStep
    }

    /// The threshold grid: 0, step, 2·step, …, 100.
    public var thresholdGrid: [Double] {
        stride(from: 0.0, through: 100.0, by: thresholdStep).map { $0 }
    }
}
