import Planning
import Solver

/// The gate-and-route planner: the fluid LP (bundled or separate pricing, optional SLIs) solved to
/// a deterministic optimum, the static plan the policies follow.
///
/// Every LP (the main solve, the tie-break stages, and on infeasibility the re-solves that find each
/// SLI's tightest feasible value) goes through `context.solver`. An infeasible or unbounded LP, or
/// one HiGHS cannot take, is bad input; a missing solver library is a failure.
/// ```
/// let planned = try GateRoutePlanner().plan(GateRouteProblem(instance: instance), context: PlanningContext())
/// print(planned.plan.revenuePerGPU, planned.plan.mixedGPUs, planned.solve.solveSeconds)
/// ```
public struct GateRoutePlanner: Planner, Sendable {
    public init() {}

    public func plan(
        _ problem: GateRouteProblem, context: PlanningContext = PlanningContext()
    ) throws(PlanningError) -> Planned<GateRouteSolution> {
        context.progress.say("solving the gate-and-route fluid LP (\(problem.instance.classes.count) classes)")
        do {
            let (solution, summary) = try FluidLPSolve(
                instance: problem.instance, targets: problem.targets, solver: context.solver
            ).solve()
            return Planned(plan: solution, solve: summary)
        } catch let error as GateRoutePlanningError {
            throw PlanningError(.badInput, lines: error.lines)
        } catch let error as PlanningError {
            throw error
        } catch {
            throw .failure("\(error)")
        }
    }
}
