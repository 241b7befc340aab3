import Solver

/// The deployment MILP: one GPU count per model, counts summing to N.
///
/// Binary z_{i,f} = 1 when stage i gets f GPUs (only counts whose table entry serves the stage);
/// Σ_f z_{i,f} = 1 per stage; Σ_i Σ_f f · z_{i,f} = N.
/// - max-stage-latency: minimise L subject to L ≥ Σ_f l_i(f) z_{i,f} for every stage (epigraph);
/// - end-to-end-latency: minimise Σ_i w_i Σ_f l_i(f) z_{i,f} (w_i the stage's reach fraction);
/// - throughput: maximise R subject to R ≤ Σ_f (r_i(f) / w_i) z_{i,f} for every stage with traffic.
/// With a previous plan, every count that differs from it costs ε (10⁻⁶ of the objective's scale),
/// so among equally good plans the one closest to the previous is chosen. Remaining ties are broken
/// by a secondary term of weight 10⁻⁸: for max-stage-latency the reach-weighted sum of the stage
/// latencies (a GPU the bottleneck stage cannot use goes where it shortens a path), for throughput
/// the sum of every stage's rate (spare capacity beyond the bottleneck).
public enum DeploymentMILP {
    /// The solution: GPUs per stage and the objective value (without the ε terms).
    public struct Solution: Sendable, Hashable {
        public var gpus: [Int]
        public var objective: Double
    }

    /// Solves the MILP over `tables` (one per stage) for `totalGPUs`; nil when no allocation serves
    /// every stage. `weights` are the stages' reach fractions.
    public static func solve(
        tables: [StageTable], weights: [Double], totalGPUs: Int, objective: DeploymentObjective,
        previous: [Int]? = nil, solver: any LinearSolver = HighsSolver()
    ) throws -> Solution? {
        var model = LinearModel(name: "cascade-deployment")
        var columns: [[(f: Int, variable: Variable)]] = []
        for (i, table) in tables.enumerated() {
            var row: [(Int, Variable)] = []
            for f in 0...totalGPUs where table.serves(f) {
                row.append((f, model.addVariable(name: "z_\(i)_\(f)", kind: .binary)))
            }
            if row.isEmpty { return nil }
            columns.append(row)
        }
        let finite = tables.flatMap { table in table.values.filter { $0.isFinite } }
        let scale = max(1e-9, finite.map(abs).max() ?? 1)
        var total = LinearExpression()
        for (i, row) in columns.enumerated() {
            model.addConstraint(LinearExpression.sum(row.map(\.variable)) == 1, name: "one_count_\(i)")
            for (f, variable) in row { total.add(variable, coefficient: Double(f)) }
        }
        model.addConstraint(total == Double(totalGPUs), name: "all_gpus")
        var change = LinearExpression()
        if let previous {
            for (i, row) in columns.enumerated() { for (f, variable) in row where f != previous[i] { change.add(variable) } }
        }
        let epsilon = 1e-6 * scale
        let tieBreak = 1e-8
        switch objective {
        case .maxStageLatency:
            let bound = model.addVariable(name: "L")
            var weighted = LinearExpression()
            for (i, row) in columns.enumerated() {
                let stage = LinearExpression.sum(row.map { ($0.variable, tables[i].values[$0.f]) })
                model.addConstraint(bound.expression >= stage, name: "epigraph_\(i)")
                for (f, variable) in row { weighted.add(variable, coefficient: weights[i] * tables[i].values[f]) }
            }
            model.minimize(bound.expression + epsilon * change + tieBreak * weighted)
        case .endToEndLatency:
            var sum = LinearExpression()
            for (i, row) in columns.enumerated() {
                for (f, variable) in row { sum.add(variable, coefficient: weights[i] * tables[i].values[f]) }
            }
            model.minimize(sum + epsilon * change)
        case .throughput:
            let rate = model.addVariable(name: "R")
            var spare = LinearExpression()
            for (i, row) in columns.enumerated() where weights[i] > 0 {
                let stage = LinearExpression.sum(row.map { ($0.variable, tables[i].values[$0.f] / weights[i]) })
                model.addConstraint(rate.expression <= stage, name: "rate_\(i)")
                spare += stage
            }
            model.maximize(rate.expression - epsilon * change + tieBreak * spare)
        }
        let result = try solver.solve(model, options: SolveOptions(relativeGap: 0))
        guard result.status.hasSolution else { return nil }
        let gpus = columns.map { row in row.first { result[$0.variable] > 0.5 }!.f }
        return Solution(gpus: gpus, objective: value(of: gpus, tables: tables, weights: weights, objective: objective))
    }

    /// The objective of an allocation, computed from the tables (no ε terms).
    public static func value(of gpus: [Int], tables: [StageTable], weights: [Double], objective: DeploymentObjective) -> Double {
        switch objective {
        case .maxStageLatency:
            return zip(tables, gpus).map { $0.values[$1] }.max() ?? 0
        case .endToEndLatency:
            return zip(zip(tables, gpus), weights).reduce(0) { $0 + $1.1 * $1.0.0.values[$1.0.1] }
        case .throughput:
            return zip(zip(tables, gpus), weights).filter { $0.1 > 0 }.map { $0.0.0.values[$0.0.1] / $0.1 }.min() ?? .infinity
        }
    }
}
