import Planning
import ServingModel
import Solver

/// The plan of cascade serving in the pipeline: the bi-level `CascadePlan` and the
/// `CascadePlanner` that found it (its checked problem, layouts and stage tables, from which the
/// report derives the stage estimates and the baselines).
public struct CascadeServingPlan: Sendable {
    /// Thresholds and deployment, with the search that produced them.
    public var plan: CascadePlan
    /// The planner of the problem.
    public var planner: CascadePlanner

    /// The plan as a simulatable cascade named `cascadia` (models without GPUs left out).
    public var cascade: CascadeConfiguration { CascadeBaselines.cascade(of: plan, planner: planner) }
}

/// Cascade serving (Cascadia, arXiv 2506.04203) as a pipeline `Planner`: checks the problem and
/// its work against the context's limits, runs the bi-level search (coordinate descent over the
/// thresholds, the exact deployment DP per candidate) and solves the chosen thresholds' deployment
/// MILP with the context's solver (so `--export-model` writes it).
///
/// The summary is a heuristic's (the threshold search proves nothing): `objective` is L(θ) of the
/// plan (seconds, or requests/s for throughput), `solveSeconds` and `nodes` those of the MILP.
/// With `previous` it re-plans: the search starts from the previous thresholds, ties in layouts
/// and GPU counts go to the previous plan, and errors read "re-planning: …".
/// ```
/// let planned = try CascadeServingPlanner().plan(scenario.problem, context: PlanningContext())
/// print(planned.plan.plan.thresholds, planned.solve.wallSeconds)
/// ```
public struct CascadeServingPlanner: Planner {
    /// The plan to re-plan from, if any.
    public var previous: CascadePlan?

    /// A planner; with `previous`, a re-planner.
    public init(previous: CascadePlan? = nil) {
        self.previous = previous
    }

    public func plan(_ problem: CascadeProblem, context: PlanningContext) throws(PlanningError) -> Planned<CascadeServingPlan> {
        do throws(ScenarioError) {
            try CascadeWorkEstimate(problem: problem).check(context.limits, at: previous == nil ? "cluster.count" : "--replan")
        } catch {
            throw PlanningError(.badInput, lines: error.issues.map(\.description))
        }
        let watch = Stopwatch()
        let planner: CascadePlanner, plan: CascadePlan
        do {
            planner = try CascadePlanner(problem: problem, solver: context.solver)
            plan = try planner.plan(previous: previous)
        } catch let error as CascadeError {
            throw prefixed(.badInput(error.description))
        } catch let error as PlanningError {
            throw prefixed(error)
        } catch let error as SolverError {
            switch error {
            case .invalidModel, .invalidOption: throw prefixed(.badInput(error.description))
            default: throw prefixed(.failure(error.description))
            }
        } catch {
            throw prefixed(.failure("\(error)"))
        }
        let solve = SolveSummary.heuristic(
            objective: plan.objectiveValue, wallSeconds: watch.seconds, solveSeconds: plan.deploymentSolveSeconds, solves: 1,
            nodes: plan.deploymentNodes)
        return Planned(plan: CascadeServingPlan(plan: plan, planner: planner), solve: solve)
    }

    private func prefixed(_ error: PlanningError) -> PlanningError {
        previous == nil ? error : error.prefixed("re-planning: ")
    }
}
