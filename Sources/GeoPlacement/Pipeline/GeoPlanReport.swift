import Planning

/// `plan geo`: CG-BP's plan, the baselines (PETALS, the MILP when listed) and, on seeds, the online
/// evaluation of each (the plan's first).
public typealias GeoPlanReport = PlanReport<GeoPlan, GeoEvaluation>

extension PlanReport where Plan == GeoPlan, Evaluation == GeoEvaluation {
    /// Plans `problem`, then evaluates the plan and its baselines with `evaluator` on `seeds` (none:
    /// no evaluation, `--no-evaluate`). Every solve goes through `context.solver`.
    /// ```
    /// let report = try GeoPlanReport.make(GeoProblem(scenario), evaluator: GeoEvaluator(scenario), seeds: [1], context: PlanningContext())
    /// report.plan.perTokenBoundSeconds; report.baselines.map(\.method)   // [.petals]
    /// ```
    public static func make(
        _ problem: GeoProblem, evaluator: GeoEvaluator, seeds: [UInt64], context: PlanningContext
    ) throws(PlanningError) -> GeoPlanReport {
        let planner = GeoPlanner()
        let planned = try planner.plan(problem, context: context)
        let baselines = try planner.baselines(problem, context: context)
        let candidates = [planned.plan] + baselines
        var evaluations: [GeoEvaluation] = []
        if !seeds.isEmpty {
            try evaluator.checkWork(candidates: candidates.count, seeds: seeds.count, limits: context.limits)
            evaluations = candidates.map { candidate in
                evaluator.evaluate(candidate, named: candidate.method.online.rawValue, seeds: seeds, progress: context.progress)
            }
        }
        return GeoPlanReport(
            kind: "plan-geo", solve: planned.solve, plan: planned.plan, baselines: baselines, seeds: seeds,
            evaluations: evaluations, notes: notes(baselines: baselines, evaluator: evaluator, evaluated: !seeds.isEmpty))
    }

    /// What a reader needs to read the figures: the MILP's request count and gap, the delays simulated.
    static func notes(baselines: [GeoPlan], evaluator: GeoEvaluator, evaluated: Bool) -> [String] {
        var notes: [String] = []
        if let milp = baselines.first(where: { $0.method == .milp }), let requests = milp.plannedRequests {
            notes.append("the MILP ran on min(|R|, \(GeoMILP.maxRequests)) = \(requests) requests; cgbpGapToMilp is how far "
                + "CG-BP (|R| = \(requests)) with shortest-path routing is above its value, solve.relativeGap the solver's own gap")
        }
        if evaluated {
            let settings = evaluator.delaySettings.map { delays in
                delays == .none ? "none" : "\(seconds(delays.proposed)) (planned placements) / \(seconds(delays.petals)) (PETALS)"
            }
            notes.append("evaluations: the online simulation on every seed, allocation delays " + settings.joined(separator: ", then "))
        } else {
            notes.append("not evaluated (--no-evaluate)")
        }
        return notes
    }

    /// "60 s", "0.5 s".
    private static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? "\(Int(value)) s" : "\(value) s"
    }
}
