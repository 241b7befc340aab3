import Planning
import Solver

/// Prices of the constraints that bind at the plan, from the LP relaxation of the final MILP
/// (a MILP has no duals; its relaxation's are the standard first-order prices):
/// - `gpus`: a GPU type whose count the plan uses up (or whose row has a dual): the objective's
///   change per additional GPU of the type;
/// - `demand`: the objective's change per additional request per second of a model;
/// - `ttft` / `tpot`: the objective's change if a model's target were 10 % tighter, to first
///   order: the demand row's dual times the capacity the plan's replicas lose at the tighter
///   target (each used pattern's capacity re-evaluated by the capacity model).
/// ```
/// let binding = ShadowPrices(problem: problem, columns: columns, solution: solution, builder: builder).binding(solver: solver)
/// ```
struct ShadowPrices {
    var problem: DeployProblem
    var columns: [PatternColumn]
    var solution: DeployMILP.Solution
    var builder: ColumnBuilder

    /// How much tighter an SLO target is priced (10 %).
    static let tightening = 0.9

    func binding(solver: any LinearSolver) -> [BindingConstraint] {
        let built = solution.built
        guard let relaxed = try? solver.solve(built.model.relaxingIntegrality()), relaxed.status.hasSolution else { return [] }
        var out: [BindingConstraint] = []
        for (t, pool) in problem.fleet.enumerated() {
            let used = columns.indices.filter { columns[$0].pattern.pool == t }.reduce(0) { $0 + solution.counts[$1] * columns[$1].pattern.gpus }
            let rows = built.gpuRows.filter { $0.pool == t }
            let dual = rows.compactMap { relaxed.dual(of: $0.row) }.reduce(0, +)
            guard used >= pool.count || abs(dual) > 1e-9 else { continue }
            out.append(BindingConstraint(
                kind: "gpus", name: "gpus[\(pool.gpu.name)]", shadowPrice: dual,
                unit: "objective per additional \(pool.gpu.name) (LP relaxation dual)"))
        }
        let lost = capacityLost()
        for (m, demand) in problem.models.enumerated() {
            guard let dual = relaxed.dual(of: built.demandRows[m]) else { continue }
            if abs(dual) > 1e-12 {
                out.append(BindingConstraint(
                    kind: "demand", name: "demand[\(demand.name)]", shadowPrice: dual,
                    unit: "objective per additional request per second (LP relaxation dual)"))
            }
            for target in SLOTarget.allCases {
                let capacity = lost[m][target] ?? 0
                guard capacity > 1e-9 else { continue }
                out.append(BindingConstraint(
                    kind: target.rawValue, name: "slo[\(demand.name)].\(target.rawValue)", shadowPrice: dual * capacity,
                    unit: "objective change if the target were 10% tighter (demand dual × capacity lost)"))
            }
        }
        return out
    }

    /// Requests per second each model's replicas in the plan lose when a target is 10 % tighter:
    /// every used column's one-replica capacity re-evaluated at the tighter target (in parallel),
    /// its loss applied to the column's planned figure.
    func capacityLost() -> [[SLOTarget: Double]] {
        struct Job: Sendable {
            var column: Int
            var target: SLOTarget
        }
        let all = columns
        let counts = solution.counts
        let used = all.indices.filter { counts[$0] > 0 && all[$0].capacity.single > 0 }
        let jobs = used.flatMap { column in SLOTarget.allCases.map { Job(column: column, target: $0) } }
        let models = problem.models.indices.map { builder.capacityModel(model: $0) }
        let fleet = problem.fleet
        let after = parallelMap(jobs) { job -> Double in
            let column = all[job.column]
            let model = models[column.pattern.model]
            let tighter = CapacityModel(slo: model.slo.scaled(job.target, by: Self.tightening), profile: model.profile)
            return tighter.capacity(of: column.pattern, networkBandwidth: fleet[column.pattern.pool].networkBandwidth, upTo: 1).single
        }
        var lost = Array(repeating: [SLOTarget: Double](), count: problem.models.count)
        for (job, capacity) in zip(jobs, after) {
            let column = all[job.column]
            let share = max(0, 1 - capacity / column.capacity.single)
            lost[column.pattern.model][job.target, default: 0] += Double(solution.counts[job.column]) * column.capacityPerReplica * share
        }
        return lost
    }
}
