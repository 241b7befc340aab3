import Planning

/// `simulate geo`: the online evaluation of every method the scenario lists but the MILP, in its order,
/// on the same arrivals (CG-BP + WS-RR: the plan; PETALS: its join placement and router).
/// ```
/// let report = try GeoSimulationReport.make(GeoProblem(scenario), evaluator: GeoEvaluator(scenario), seeds: [1], context: PlanningContext())
/// report.methods[0].runs[0].meanPerTokenSeconds.mean
/// ```
public struct GeoSimulationReport: Sendable, Encodable {
    /// |R|, the concurrency CG-BP planned for.
    public var plannedRequests: Int
    /// Requests per seed.
    public var requests: Int
    /// λ, arrivals per second.
    public var arrivalRate: Double
    public var seeds: [UInt64]
    /// One evaluation per simulated method, in the scenario's order.
    public var methods: [GeoEvaluation]
    /// The placement each method was simulated on, in the same order (plan geo's plan shape).
    public var placements: [GeoPlan]

    /// Places what each listed method needs (CG-BP only when `cg-bp+ws-rr` is listed), then evaluates it.
    public static func make(
        _ problem: GeoProblem, evaluator: GeoEvaluator, seeds: [UInt64], context: PlanningContext
    ) throws(PlanningError) -> GeoSimulationReport {
        let simulated = problem.methods.filter { $0 != .milp }
        try evaluator.checkWork(candidates: simulated.count, seeds: seeds.count, limits: context.limits)
        let planner = GeoPlanner()
        var methods: [GeoEvaluation] = []
        var placements: [GeoPlan] = []
        for method in simulated {
            let candidate = method == .petals ? planner.petals(problem) : try planner.plan(problem, context: context).plan
            placements.append(candidate)
            methods.append(evaluator.evaluate(candidate, named: method.rawValue, seeds: seeds, progress: context.progress))
        }
        return GeoSimulationReport(
            plannedRequests: problem.plannedRequests, requests: evaluator.requests, arrivalRate: evaluator.arrivalRate,
            seeds: seeds, methods: methods, placements: placements)
    }
}
