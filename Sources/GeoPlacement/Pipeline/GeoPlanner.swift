import Planning

/// The geo planner: CG-BP's placement for |R| (the plan, with Theorem 2's bound), and as baselines
/// PETALS' join placement and, when the scenario lists `milp`, the exact MILP through the context's solver.
/// ```
/// let planner = GeoPlanner()
/// let planned = try planner.plan(problem, context: PlanningContext())
/// let baselines = try planner.baselines(problem, context: PlanningContext())   // petals[, milp]
/// ```
public struct GeoPlanner: Planner {
    public init() {}

    /// CG-BP for |R| = `problem.plannedRequests`; bad input when Corollary 1 fails or blocks stay uncovered.
    public func plan(_ problem: GeoProblem, context: PlanningContext) throws(PlanningError) -> Planned<GeoPlan> {
        let instance = problem.instance
        let R = problem.plannedRequests
        context.progress.say("CG-BP for |R| = \(R) on \(instance.servers.count) servers")
        let watch = Stopwatch()
        let result: CGBPResult
        do {
            result = try CGBP.place(instance: instance, plannedRequests: R)
        } catch {
            throw .badInput("CG-BP cannot place the model for |R| = \(R): \(error)")
        }
        let seconds = watch.seconds
        let perToken = GeoPlanning.meanPerTokenSeconds(instance: instance, placement: result.placement)
        let plan = GeoPlan(
            method: .cgbp, plannedRequests: R, blocks: result.placement, instance: instance, meanPerTokenSeconds: perToken,
            perTokenBoundSeconds: result.perTokenBound, solve: .heuristic(objective: perToken, wallSeconds: seconds))
        return Planned(plan: plan, solve: plan.solve)
    }

    /// The baselines in a fixed order: PETALS, then the MILP when `problem.methods` lists it.
    public func baselines(_ problem: GeoProblem, context: PlanningContext) throws(PlanningError) -> [GeoPlan] {
        var baselines = [petals(problem)]
        if problem.methods.contains(.milp) { baselines.append(try milp(problem, context: context)) }
        return baselines
    }

    /// PETALS' join placement in the random order of `problem.petalsSeed`.
    public func petals(_ problem: GeoProblem) -> GeoPlan {
        let instance = problem.instance
        let (placement, seconds) = Stopwatch.time { PetalsPlacement.joinPlacement(instance: instance, seed: problem.petalsSeed) }
        let perToken = GeoPlanning.meanPerTokenSeconds(instance: instance, placement: placement)
        return GeoPlan(
            method: .petals, plannedRequests: nil, blocks: placement, instance: instance, meanPerTokenSeconds: perToken,
            solve: .heuristic(objective: perToken, wallSeconds: seconds))
    }

    /// The exact MILP on `problem.milpRequestClients`, solved by `context.solver` within `problem.milpTimeLimit`.
    public func milp(_ problem: GeoProblem, context: PlanningContext) throws(PlanningError) -> GeoPlan {
        let requests = problem.milpRequestClients
        context.progress.say("the MILP on \(requests.count) requests (limit \(problem.milpTimeLimit) s)")
        let result = try GeoMILP.solve(
            instance: problem.instance, requestClients: requests, timeLimit: problem.milpTimeLimit, solver: context.solver)
        return GeoPlan(
            method: .milp, plannedRequests: requests.count, blocks: result.placement, instance: problem.instance,
            meanPerTokenSeconds: result.meanPerTokenSeconds, cgbpGapToMilp: result.cgbpGapToMilp, solve: result.solve)
    }
}
