import ServingModel

/// One stage of a plan: its model, GPUs and replicas, and the traffic it receives.
public struct StagePlan: Sendable, Hashable {
    /// The model of the stage.
    public var model: String
    /// GPUs allotted to the stage (replicas may leave some idle when the count does not divide).
    public var gpus: Int
    /// The replicas: `replicas` copies of one layout (nil for a stage without GPUs).
    public var layout: StageLayout?
    /// Share of requests the stage runs.
    public var reachFraction: Double
    /// Requests per second the stage runs.
    public var arrivalRate: Double
    /// The estimator's p95 latency of the stage (seconds) at that rate.
    public var p95Latency: Double
}

/// A cascade plan: thresholds and deployment, with the search that produced it.
public struct CascadePlan: Sendable {
    /// Acceptance threshold of every stage but the last.
    public var thresholds: [Double]
    /// Q(θ) on the sample.
    public var quality: Double
    /// The stages in cascade order.
    public var stages: [StagePlan]
    /// L(θ): the deployment objective (seconds; for throughput, the sustainable rate in requests/s,
    /// estimated end to end with `stageBudget: search`, else the slowest stage's rate table).
    public var objectiveValue: Double
    /// Throughput mode: the p95 budget (seconds) of each stage's rate table; nil otherwise.
    public var stageBudgets: [Double]?
    /// J(θ) of the plan.
    public var score: Double
    /// Rounds of coordinate descent until J stopped improving.
    public var iterations: Int
    /// Best J after the start and after every round.
    public var trajectory: [Double]
    /// Distinct thresholds evaluated (each one a deployment solve).
    public var evaluations: Int
    /// Seconds and branch-and-bound nodes of the chosen thresholds' deployment MILP.
    public var deploymentSolveSeconds: Double
    public var deploymentNodes: Int

    /// GPUs per stage.
    public var gpus: [Int] { stages.map(\.gpus) }
}
