import Planning

/// The plan re-made on a new sample, starting from the plan: its thresholds, quality and stages,
/// the replicas kept, removed and added per stage, and its own solve.
public struct CascadeReplan: Sendable, Encodable {
    public var thresholds: [Double]
    public var quality: Double
    /// The stages with traffic, as the estimator sees them on the new sample.
    public var stages: [CascadeDeployment.Stage]
    /// Per model: GPUs before and after, replicas kept, removed and added.
    public var changes: [ReplanChange]
    /// Replicas removed plus added.
    public var replicasChanged: Int
    /// The re-plan's solve.
    public var solve: SolveSummary

    /// What re-planning `previous` gave as `replanned`.
    public init(previous: CascadePlan, replanned: Planned<CascadeServingPlan>) {
        let served = replanned.plan
        thresholds = served.plan.thresholds
        quality = served.plan.quality
        stages = CascadeDeployment.stages(of: served.cascade, planner: served.planner, rate: served.planner.problem.arrivalRate)
        changes = ReplanChange.between(previous, served.plan)
        replicasChanged = changes.reduce(0) { $0 + $1.removed + $1.added }
        solve = replanned.solve
    }
}
