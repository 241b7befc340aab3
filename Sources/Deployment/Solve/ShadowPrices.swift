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
        for (m, demand) in problem.models.enumerated() {
            guard let dual = relaxed.dual(of: built.demandRows[m]) else { continue }
            if abs(dual) > 1e-12 {
                out.append(BindingConstraint(
                    kind: "demand", name: "demand[\(demand.name)]", shadowPrice: dual,
                    unit: "objective per additional request per second (LP relaxation dual)"))
            }
            for target in SLOTarget.allCases {
                let lost = capacityLost(model: m, target: target)
                guard lost > 1e-9 else { continue }
                out.append(BindingConstraint(
                    kind: target.rawValue, name: "slo[\(demand.name)].\(target.rawValue)", shadowPrice: dual * lost,
                    unit: "objective change if the target were 10% tighter (demand dual × capacity lost)"))
            }
        }
        return out
    }

    /// Requests per second the plan's replicas of model `m` lose when `target` is 10 % tighter.
    func capacityLost(model m: Int, target: SLOTarget) -> Double {
        let model = builder.capacityModel(model: m)
        let tighter = CapacityModel(slo: model.slo.scaled(target, by: Self.tightening), profile: model.profile)
        var lost = 0.0
        for (index, column) in columns.enumerated() where column.pattern.model == m && solution.counts[index] > 0 {
            let bandwidth = problem.fleet[column.pattern.pool].networkBandwidth
            let before = model.capacity(of: column.pattern, networkBandwidth: bandwidth).single
            let after = tighter.capacity(of: column.pattern, networkBandwidth: bandwidth).single
            guard before > 0 else { continue }
            lost += Double(solution.counts[index]) * column.capacity.single * max(0, 1 - after / before)
        }
        return lost
    }
}
