import Planning

/// Expert placement as a `Planner`: runs every method of the problem on the profiling split, the
/// balance MILPs through the context's solver (so `--export-model` writes them), and returns the
/// plan (the first listed optimising method) with every other method as a baseline, each with the
/// `SolveSummary` of its own solve (its wall seconds measured here).
///
/// With `balance.sweep`, the plan also carries the hops-versus-imbalance front: load-aware's
/// optimum, then the balance MILP at each limit from the loosest, each point placed by its hops and
/// load on the evaluation split (that scoring is part of tracing the front, and cheap).
/// ```
/// let planned = try MoEPlanner().plan(try MoEProblem(scenario), context: PlanningContext())
/// print(planned.plan.plan.method, planned.solve.objective ?? 0)
/// ```
public struct MoEPlanner: Planner {
    public init() {}

    public func plan(_ problem: MoEProblem, context: PlanningContext) throws(PlanningError) -> Planned<MoEPlanSet> {
        let placement = problem.placement
        let order = problem.runOrder
        var candidates: [MoEPlacementPlan] = []
        for method in order {
            context.progress.say("\(method) on \(placement.gpus) GPUs, \(placement.layers) layers")
            let placer = try Self.converting { () throws(PlacementError) in
                try method.placer(balance: problem.balance, solver: context.solver)
            }
            candidates.append(try run(placer, problem))
        }
        var plan = candidates.remove(at: MoEPlanSet.primary(of: order))
        if !problem.balance.sweep.isEmpty {
            plan.front = try front(problem, context: context)
        }
        return Planned(plan: MoEPlanSet(plan: plan, baselines: candidates), solve: plan.solve)
    }

    /// One method's plan, its solve's wall seconds measured around the placer.
    func run(_ placer: any ExpertPlacer, _ problem: MoEProblem) throws(PlanningError) -> MoEPlacementPlan {
        let (outcome, seconds) = try Self.converting { () throws(PlacementError) in
            try Stopwatch.time { () throws(PlacementError) in try placer.place(problem.placement) }
        }
        var solve = outcome.solve
        solve.wallSeconds = seconds
        return MoEPlacementPlan(
            method: placer.method, routing: outcome.plan.routing, placement: outcome.plan.layers, solve: solve,
            setting: problem.setting)
    }

    /// The sweep's points: no balance row, then each limit from the loosest.
    func front(_ problem: MoEProblem, context: PlanningContext) throws(PlanningError) -> [ParetoPoint] {
        var points: [ParetoPoint] = []
        var steps: [(limit: Double?, placer: any ExpertPlacer)] = [(nil, LoadAwarePlacer(replicate: true))]
        steps += problem.balance.sweep.sorted(by: >).map { ($0, problem.balance.placer(maxImbalance: $0, solver: context.solver)) }
        for step in steps {
            context.progress.say(step.limit.map { "sweep: max/mean ≤ \($0)" } ?? "sweep: no balance row")
            let plan = try run(step.placer, problem)
            let metrics = PlacementMetrics(
                plan: plan.expertPlan, counts: problem.evaluation, distances: problem.placement.distances,
                bytesPerActivation: problem.bytesPerActivation)
            points.append(ParetoPoint(
                maxImbalance: step.limit, expectedHops: metrics.expectedHops, maxMeanLoad: metrics.maxMeanLoad, solve: plan.solve))
        }
        return points
    }

    /// `work`'s value, a `PlacementError` turned into bad input (the numbers the user can change).
    static func converting<Value>(_ work: () throws(PlacementError) -> Value) throws(PlanningError) -> Value {
        do { return try work() } catch { throw .badInput(error.message) }
    }
}
