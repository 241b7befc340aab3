import Foundation
import Planning

/// `plan gate-route`'s report (kind `plan-gate-route`): the LP's solve, the plan, and the
/// evaluations of the plan's `gate-and-route` policy (first) and of each baseline policy at the
/// scenario's n, on the same seeds. The baselines are policies that follow this plan's targets,
/// not other plans, so `baselines` is empty.
/// ```
/// let report = GateRoutePlanReport(problem: problem, planned: planned, simulation: simulation, evaluations: rows)
/// try JSONContract.encode(report)
/// ```
public typealias GateRoutePlanReport = PlanReport<GateRouteSolution, GateRouteEvaluation>

extension GateRoutePlanReport {
    /// The report of `planned`; `simulation` is what produced `evaluations` (nil with `--no-evaluate`).
    public init(
        problem: GateRouteProblem, planned: Planned<GateRouteSolution>, simulation: GateRouteSimulation?,
        evaluations: [GateRouteEvaluation]
    ) {
        var notes = ["baselines: none in the plan's shape; the baselines are policies that follow this plan (evaluations)"]
        if let simulation {
            notes.append(
                "evaluations: \(simulation.fidelity == .ctmc ? "the CTMC" : "the token-level simulator") at n = "
                    + simulation.gpus.map(String.init).joined(separator: ", ")
                    + " GPUs, T = \(Self.seconds(simulation.horizon)) s, warm-up \(Self.seconds(simulation.warmup)) s, "
                    + "\(simulation.seeds.count) seed\(simulation.seeds.count == 1 ? "" : "s") (mean ± std over seeds); "
                    + "the plan's policy first, then the baseline policies, each following this plan")
            if let note = GateRouteSimulationReport.sliNote(problem: problem, solution: planned.plan) { notes.append(note) }
        }
        self.init(
            kind: "plan-gate-route", solve: planned.solve, plan: planned.plan, seeds: simulation?.seeds ?? [],
            evaluations: evaluations, notes: notes)
    }

    private static func seconds(_ value: Double) -> String { String(format: "%.0f", value) }
}

/// `simulate gate-route`'s report (kind `simulate-gate-route`): the LP's solve, optimum and plan
/// (its occupancy targets), the settings every run shared, and one row per cluster size and policy.
public struct GateRouteSimulationReport: Sendable, Encodable {
    public var fidelity: GateRouteFidelity
    /// The LP solve whose plan every policy follows.
    public var solve: SolveSummary
    /// R*, the LP optimum per GPU per second (objective, after SLI penalties).
    public var revenueOptimum: Double
    public var horizonSeconds: Double
    public var warmupSeconds: Double
    public var seeds: [UInt64]
    /// The finite-n corrections: when rationed classes are admitted, and κ of M = ⌈m + κ√m⌉.
    public var rationedClasses: RationedAdmission
    public var staffing: Double
    /// The LP's plan every policy follows (plan gate-route's `plan`).
    public var plan: GateRouteSolution
    public var rows: [GateRouteEvaluation]
    public var notes: [String]

    public init(
        problem: GateRouteProblem, planned: Planned<GateRouteSolution>, simulation: GateRouteSimulation,
        rows: [GateRouteEvaluation]
    ) {
        fidelity = simulation.fidelity
        solve = planned.solve
        revenueOptimum = planned.plan.plan.revenuePerGPU
        horizonSeconds = simulation.horizon
        warmupSeconds = simulation.warmup
        seeds = simulation.seeds
        rationedClasses = simulation.options.rationedClasses
        staffing = simulation.options.mixedSafety
        plan = planned.plan
        self.rows = rows
        notes = Self.sliNote(problem: problem, solution: planned.plan).map { [$0] } ?? []
    }

    /// With SLIs, what the ratio to R* compares (nil without SLIs).
    static func sliNote(problem: GateRouteProblem, solution: GateRouteSolution) -> String? {
        guard !problem.targets.isEmpty else { return nil }
        return "with SLIs the ratio compares simulated revenue with the SLI LP's optimum "
            + "(\(String(format: "%.2f", solution.revenuePerGPU)) revenue, \(String(format: "%.2f", solution.penaltyPerGPU)) penalty); "
            + "the policies follow the SLI plan's targets but are not charged penalties"
    }
}
