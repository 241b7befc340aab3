import Planning

/// The report of `plan cascade` and `simulate cascade`: the plan (with its search and any
/// re-plan), the baselines in the same shape, and the simulator's evaluation of each.
public typealias CascadeReport = PlanReport<CascadeDeployment, CascadeEvaluation>

extension PlanReport where Plan == CascadeDeployment, Evaluation == CascadeEvaluation {
    /// The report of `planned`: the plan, then the baselines a user would otherwise deploy
    /// (`single-model`, `uniform-gpus`, `uniform-layout`, `proportional-gpus`; one that cannot be
    /// laid out becomes a note), each simulated by `evaluator` on its seeds in that order unless
    /// `evaluator` is nil (`--no-evaluate`). `replanned` is the plan re-made on a new sample from `planned`.
    /// ```
    /// let planned = try CascadeServingPlanner().plan(scenario.problem, context: PlanningContext())
    /// let report = try CascadeReport(
    ///     kind: "plan-cascade", planned: planned, evaluator: CascadeEvaluator(scenario: scenario, seeds: [1]))
    /// ```
    public init(
        kind: String, planned: Planned<CascadeServingPlan>, replanned: Planned<CascadeServingPlan>? = nil,
        evaluator: CascadeEvaluator?, progress: ProgressReporter = .silent
    ) throws(PlanningError) {
        let served = planned.plan
        let (baselines, skipped) = CascadeBaselines.all(plan: served.plan, planner: served.planner)
        var plan = CascadeDeployment(plan: served)
        plan.replan = replanned.map { CascadeReplan(previous: served.plan, replanned: $0) }
        var evaluations: [CascadeEvaluation] = []
        if let evaluator {
            let what = evaluator.searchesRate ? "simulating (and searching the sustainable rate of)" : "simulating"
            progress.say("\(what) the plan over \(evaluator.seeds.count) seeds")
            evaluations.append(try evaluator.evaluate(served.cascade, named: served.cascade.name, seeds: evaluator.seeds, progress: progress))
            for baseline in baselines {
                progress.say("\(what) baseline '\(baseline.name)'")
                evaluations.append(try evaluator.evaluate(baseline, named: baseline.name, seeds: evaluator.seeds, progress: progress))
            }
        }
        self.init(
            kind: kind, solve: planned.solve, plan: plan,
            baselines: baselines.map { CascadeDeployment($0, planner: served.planner) }, seeds: evaluator?.seeds ?? [],
            evaluations: evaluations, notes: skipped.sorted { $0.key < $1.key }.map { "\($0.key) skipped: \($0.value)" })
    }
}
