import Planning

/// How the plan was found: the target and whether it is met, the objective, J and the search.
public struct CascadeSearchSummary: Sendable, Encodable {
    /// q_min.
    public var qualityTarget: Double
    /// False when no thresholds reach the target without overloading a stage (J then carries the penalty).
    public var meetsTarget: Bool
    /// The deployment objective (`max-stage-latency`, `end-to-end-latency`, `throughput`); its
    /// value L(θ) is the report's `solve.objective`.
    public var objectiveName: String
    /// Throughput mode: each stage's p95 budget (seconds) in the rate tables of the plan; null otherwise.
    @Nullable public var stageBudgetSeconds: [Double]?
    /// J(θ) of the plan.
    public var score: Double
    /// Rounds of coordinate descent until J stopped improving.
    public var iterations: Int
    /// Best J after the start and after every round.
    public var trajectory: [Double]
    /// Distinct thresholds evaluated (each one a deployment solve).
    public var thresholdsEvaluated: Int

    init(plan: CascadePlan, problem: CascadeProblem) {
        qualityTarget = problem.qualityTarget
        meetsTarget = plan.quality >= problem.qualityTarget
        objectiveName = problem.objective.rawValue
        stageBudgetSeconds = plan.stageBudgets
        score = plan.score
        iterations = plan.iterations
        trajectory = plan.trajectory
        thresholdsEvaluated = plan.evaluations
    }
}
