import Planning

/// What `plan moe` prints: the plan, the baselines, and each one's scores on the evaluation split
/// (the plan's first), kind `plan-moe`.
public typealias MoEPlanReport = PlanReport<MoEPlacementPlan, MoEPlacementEvaluation>

extension PlanReport where Plan == MoEPlacementPlan, Evaluation == MoEPlacementEvaluation {
    /// The report of `planned`, scored by `evaluator` (nil: not scored, no evaluations).
    /// ```
    /// let report = try MoEPlanReport(planned, evaluator: try MoEEvaluator(problem))
    /// ```
    public init(_ planned: Planned<MoEPlanSet>, evaluator: MoEEvaluator?, progress: ProgressReporter = .silent) throws(PlanningError) {
        var evaluations: [MoEPlacementEvaluation] = []
        var notes: [String] = []
        if let evaluator {
            for candidate in planned.plan.all {
                evaluations.append(try evaluator.evaluate(candidate, named: candidate.method.rawValue, seeds: [], progress: progress))
            }
            if !evaluator.heldOut { notes.append("the statistics have no evaluation split: every method is scored on the profile") }
        } else {
            notes.append("not evaluated: no hops, bytes or loads on the evaluation split")
        }
        self.init(
            kind: "plan-moe", solve: planned.solve, plan: planned.plan.plan, baselines: planned.plan.baselines, seeds: [],
            evaluations: evaluations, notes: notes)
    }
}
