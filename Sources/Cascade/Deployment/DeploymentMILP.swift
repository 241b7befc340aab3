import Solver

/// The deployment MILP: one GPU count per model, counts summing to N.
///
/// Binary z_{i,f} = 1 when stage i gets f GPUs (only counts whose table entry serves the stage);
/// Σ_f z_{i,f} = 1 per stage; Σ_i Σ_f f · z_{i,f} = N.
/// - max-stage-latency: minimise L subject to L ≥ Σ_f l_i(f) z_{i,f} for every stage (epigraph);
/// - end-to-end-latency: minimise Σ_i w_i Σ_f l_i(f) z_{i,f} (w_i the stage's reach fraction);
/// - throughput: maximise R subject to R ≤ Σ_f (r_i(f) / w_i) z_{i,f} for every stage with traffic.
/// With a previous plan, every count that differs from it costs ε (10⁻⁶ of the objective's scale),
/// so among equally good plans the one closest to the previous is chosen.
///
/// Compact form: without a previous plan, for a min-max objective, when no stage loses value from
/// extra GPUs (`StageTable.improvingCounts`: a stage without traffic takes 0, every other table is
/// monotone from its smallest serving count), the binaries cover only the counts where a stage's
/// value improves and the GPUs sum to at most N: any split maps to one on those counts that is no
/// worse (each count down to the largest improving count below it), and any such split reaches N
/// by giving the spare GPUs to a stage with traffic, so the optimum is the same. That keeps the
/// MILP at a few dozen binaries per stage instead of N + 1 (at 1,024 GPUs HiGHS took 2–9 s on the
/// full form). The allocation is then the same too, as it comes from the optimum alone (`tieBroken`).
///
/// The min-max objectives leave every stage but the bottleneck free, so after the solve the
/// allocation is made lexicographically best by an exact DP over the counts that keep the optimum
/// (`tieBroken`): fewest changes from the previous plan, then, for max-stage-latency, the lowest
/// reach-weighted sum of stage latencies (a GPU the bottleneck stage cannot use goes where it
/// shortens a path), for throughput the highest sum of the stages' rates (spare capacity).
public enum DeploymentMILP {
    /// The solution: GPUs per stage and the objective value (without the ε terms), with the
    /// backend's seconds and branch-and-bound nodes (0 for the DP).
    public struct Solution: Sendable, Hashable {
        public var gpus: [Int]
        public var objective: Double
        public var solveSeconds = 0.0
        public var nodes = 0
    }

    /// Solves the MILP over `tables` (one per stage) for `totalGPUs`; nil when no allocation serves
    /// every stage. `weights` are the stages' reach fractions.
    public static func solve(
        tables: [StageTable], weights: [Double], totalGPUs: Int, objective: DeploymentObjective,
        previous: [Int]? = nil, solver: any LinearSolver = HighsSolver()
    ) throws -> Solution? {
        var model = LinearModel(name: "cascade-deployment")
        let compact = compactCounts(tables: tables, objective: objective, previous: previous)
        var columns: [[(f: Int, variable: Variable)]] = []
        for (i, table) in tables.enumerated() {
            var row: [(Int, Variable)] = []
            for f in compact?[i] ?? Array(0...totalGPUs) where table.serves(f) {
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
        model.addConstraint(compact == nil ? total == Double(totalGPUs) : total <= Double(totalGPUs), name: "all_gpus")
        var change = LinearExpression()
        if let previous {
            for (i, row) in columns.enumerated() { for (f, variable) in row where f != previous[i] { change.add(variable) } }
        }
        let epsilon = 1e-6 * scale
        switch objective {
        case .maxStageLatency:
            let bound = model.addVariable(name: "L")
            for (i, row) in columns.enumerated() {
                let stage = LinearExpression.sum(row.map { ($0.variable, tables[i].values[$0.f]) })
                model.addConstraint(bound.expression >= stage, name: "epigraph_\(i)")
            }
            model.minimize(bound.expression + epsilon * change)
        case .endToEndLatency:
            var sum = LinearExpression()
            for (i, row) in columns.enumerated() {
                for (f, variable) in row { sum.add(variable, coefficient: weights[i] * tables[i].values[f]) }
            }
            model.minimize(sum + epsilon * change)
        case .throughput:
            let rate = model.addVariable(name: "R")
            for (i, row) in columns.enumerated() where weights[i] > 0 {
                let stage = LinearExpression.sum(row.map { ($0.variable, tables[i].values[$0.f] / weights[i]) })
                model.addConstraint(rate.expression <= stage, name: "rate_\(i)")
            }
            model.maximize(rate.expression - epsilon * change)
        }
        let result = try solver.solve(model, options: SolveOptions(relativeGap: 0))
        guard result.status.hasSolution else { return nil }
        // Each stage's count: its binary at 1 (the largest value, should the solver return one a little off).
        var solved: [Int] = []
        for row in columns {
            guard let chosen = row.max(by: { result[$0.variable] < result[$1.variable] }) else { return nil }
            solved.append(chosen.f)
        }
        if compact != nil, let spare = tables.firstIndex(where: { $0.improvingCounts()?.spare == true }) {
            solved[spare] += totalGPUs - solved.reduce(0, +)
        }
        let primary = value(of: solved, tables: tables, weights: weights, objective: objective)
        let gpus = tieBroken(
            keeping: primary, tables: tables, weights: weights, totalGPUs: totalGPUs, objective: objective, previous: previous)
            ?? solved
        return Solution(
            gpus: gpus, objective: value(of: gpus, tables: tables, weights: weights, objective: objective),
            solveSeconds: result.solveSeconds, nodes: result.nodeCount)
    }

    /// The counts of the compact form per stage (see the type's notes), or nil when the full form
    /// is needed: with a previous plan, for end-to-end latency, or when some stage may lose value
    /// from extra GPUs or none can take spare ones.
    static func compactCounts(tables: [StageTable], objective: DeploymentObjective, previous: [Int]?) -> [[Int]]? {
        guard previous == nil, objective != .endToEndLatency else { return nil }
        var counts: [[Int]] = []
        var spare = false
        for table in tables {
            guard let improving = table.improvingCounts() else { return nil }
            counts.append(improving.counts)
            spare = spare || improving.spare
        }
        return spare ? counts : nil
    }

    /// Among the allocations whose every stage keeps the min-max optimum `primary` (latency at most
    /// it, or rate per reach at least it), the one with the fewest changes from `previous`, then the
    /// lowest reach-weighted latency sum (max-stage-latency) or the highest sum of rates per reach
    /// (throughput): an exact DP, since both criteria add over stages. Nil for end-to-end-latency
    /// (its objective is already the sum) or when no allocation keeps the optimum.
    static func tieBroken(
        keeping primary: Double, tables: [StageTable], weights: [Double], totalGPUs n: Int, objective: DeploymentObjective,
        previous: [Int]?
    ) -> [Int]? {
        guard objective != .endToEndLatency else { return nil }
        let slack = 1e-12 * max(1, abs(primary))
        // (changes, secondary) per stage and count; nil where the count would break the optimum.
        func cost(_ stage: Int, _ f: Int) -> (Int, Double)? {
            let table = tables[stage]
            guard table.serves(f) else { return nil }
            let changed = previous.map { $0[stage] != f ? 1 : 0 } ?? 0
            if objective == .maxStageLatency {
                guard table.values[f] <= primary + slack else { return nil }
                return (changed, weights[stage] * table.values[f])
            }
            guard weights[stage] > 0 else { return (changed, 0) }
            let rate = table.values[f] / weights[stage]
            guard rate >= primary - slack else { return nil }
            return (changed, -rate)
        }
        let found = AllocationDP.best(
            stages: tables.count, totalGPUs: n, start: (changes: 0, secondary: 0.0),
            extend: { sofar, stage, f in cost(stage, f).map { (sofar.changes + $0.0, sofar.secondary + $0.1) } },
            isBetter: { $0.changes != $1.changes ? $0.changes < $1.changes : $0.secondary < $1.secondary })
        return found?.gpus
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
