import Planning
import Solver

/// Mélange's bin-packing ILP (arXiv 2404.14527; `melange/solver.py` of its release), extended to
/// several models sharing a fleet of bounded pools.
///
/// Each request-size bucket's rate is cut into `sliceFactor` equal slices (its default is 4). An
/// option is a (model, GPU type) replica with its GPUs and cost. Variables: binary x[s][o] (slice
/// s served by option o, only where o meets the SLO on s's bucket) and integer y[o] (replicas).
/// - "assign": Σ_o x[s][o] = 1 for every slice;
/// - "load": Σ_s x[s][o] · rate_s / throughput_{s,o} ≤ y[o] (Mélange's load_ij = 1 / max throughput);
/// - "gpus" (when pools are given): for each pool and each TP size t among its options,
///   Σ_{o on the pool, TP ≥ t} GPUs_o · y[o] ≤ GPUs usable by items of size t (`usableGPUs`);
/// - objective: minimise Σ_o cost_o · y[o].
/// ```
/// let ilp = MelangeILP(options: options, slices: slices, pools: problem.fleet)
/// let solution = try ilp.solve(solver: HighsSolver(), timeLimit: 25)
/// ```
struct MelangeILP {
    struct Option {
        var pool: Int
        var gpus: Int
        var tensorParallel: Int
        var cost: Double
    }

    /// A slice of one bucket's traffic: requests per second and one replica's SLO throughput
    /// under each option (0 where the option cannot serve it).
    struct Slice {
        var rate: Double
        var throughput: [Double]
    }

    struct Solution {
        /// Replicas of each option.
        var replicas: [Int]
        /// The option serving each slice.
        var assignment: [Int]
        var cost: Double
    }

    var options: [Option]
    var slices: [Slice]
    /// The fleet's pools bounding the replicas; nil for Mélange's unbounded cloud.
    var pools: [FleetPool]?

    /// The optimal mix; nil when no assignment fits the pools. Slices no option serves are left out.
    func solve(solver: any LinearSolver, timeLimit: Double) throws(PlanningError) -> Solution? {
        var model = LinearModel(name: "melange")
        let y = options.indices.map { model.addVariable(name: "y_\($0)", kind: .integer) }
        var x: [[Int: Variable]] = []
        for (s, slice) in slices.enumerated() {
            var row: [Int: Variable] = [:]
            for o in options.indices where slice.throughput[o] > 0 {
                row[o] = model.addVariable(name: "x_\(s)_\(o)", kind: .binary)
            }
            x.append(row)
            if !row.isEmpty {
                model.addConstraint(LinearExpression.sum(row.values) == 1, name: "assign_\(s)", family: "assign")
            }
        }
        for o in options.indices {
            var load = LinearExpression(y[o], coefficient: -1)
            for (s, slice) in slices.enumerated() {
                if let variable = x[s][o] { load.add(variable, coefficient: slice.rate / slice.throughput[o]) }
            }
            model.addConstraint(load <= 0, name: "load_\(o)", family: "load")
        }
        if let pools {
            for (p, pool) in pools.enumerated() {
                let members = options.indices.filter { options[$0].pool == p }
                for size in Set(members.map { options[$0].tensorParallel }).sorted() {
                    let terms = members.filter { options[$0].tensorParallel >= size }.map { (y[$0], Double(options[$0].gpus)) }
                    model.addConstraint(
                        LinearExpression.sum(terms) <= Double(pool.usableGPUs(forItemsOf: size)), name: "gpus_\(p)_tp\(size)",
                        family: "gpus")
                }
            }
        }
        model.minimize(LinearExpression.sum(options.indices.map { (y[$0], options[$0].cost) }))
        let result: SolveResult
        do {
            result = try solver.solve(model, options: SolveOptions(timeLimit: timeLimit, relativeGap: 1e-6))
        } catch {
            throw .failure("melange ILP: \(error)")
        }
        guard result.status.hasSolution else {
            if result.status == .infeasible { return nil }
            throw .failure("melange ILP: \(result.status)")
        }
        let replicas = y.map { Int(result[$0].rounded()) }
        let assignment = x.map { row in row.first { result[$0.value] > 0.5 }?.key ?? -1 }
        let cost = options.indices.reduce(0) { $0 + options[$1].cost * Double(replicas[$1]) }
        return Solution(replicas: replicas, assignment: assignment, cost: cost)
    }
}
