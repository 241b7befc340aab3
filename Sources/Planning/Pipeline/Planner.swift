import ServingModel
import Solver

/// A planner: a typed problem in, a plan and the summary of its solve out.
///
/// Every planner target conforms one type and reads its scenario into its `Problem`. The CLI then
/// runs every `plan` verb the same way: read, plan, evaluate the plan and its baselines, report.
/// ```
/// let planned = try GateRoutePlanner().plan(problem, context: PlanningContext())
/// print(planned.solve.status, planned.plan.revenuePerGPU)
/// ```
public protocol Planner {
    /// The typed input (`…Problem`).
    associatedtype Problem
    /// The planner's answer (`…Plan`).
    associatedtype Plan

    /// Solves `problem` with the context's solver, reporting long steps to its progress.
    func plan(_ problem: Problem, context: PlanningContext) throws(PlanningError) -> Planned<Plan>
}

/// What a planner gets besides its problem: the solver backend, the progress sink, the work limits.
public struct PlanningContext: Sendable {
    /// The LP/MILP backend every solve goes through (wrap it in `ModelExportingSolver` to export).
    public var solver: any LinearSolver
    /// Where long steps are announced.
    public var progress: ProgressReporter
    /// The bounds on work the planner may start.
    public var limits: WorkLimits

    /// A context with HiGHS, no progress and the default work limits unless told otherwise.
    public init(solver: any LinearSolver = HighsSolver(), progress: ProgressReporter = .silent, limits: WorkLimits = .default) {
        self.solver = solver
        self.progress = progress
        self.limits = limits
    }
}

/// A planner's answer with the summary of the solve that produced it.
public struct Planned<Plan> {
    public var plan: Plan
    public var solve: SolveSummary

    public init(plan: Plan, solve: SolveSummary) {
        self.plan = plan
        self.solve = solve
    }
}

extension Planned: Sendable where Plan: Sendable {}
