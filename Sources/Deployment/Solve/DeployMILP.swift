import Planning
import Solver

/// The deployment MILP over replica patterns.
///
/// Variables: n_p ∈ ℤ≥0 replicas of each pattern column p, each carrying the column's
/// `capacityPerReplica` (pooling enters through the count the column was evaluated at, see
/// `ColumnBuilder`); r_{m,t} ≥ 0 the rate of model m served disaggregated on GPU type t; s ≥ 0
/// the common scale under max-rate. Constraint families:
/// - `demand` (one per model): aggregated capacity + Σ_t r_{m,t} ≥ s·λ_m (s = 1 unless max-rate);
/// - `prefill`, `decode`: r_{m,t} ≤ the prefill (decode) pool's capacity on type t;
/// - `transfer`: r_{m,t} × KV bytes per request ≤ 80 % of the prefill replicas' network bandwidth;
/// - `gpus` (per type and TP size s): GPUs of replicas whose TP group has ≥ s GPUs ≤ the GPUs that
///   nodes can give to s-sized groups (Σ_nodes ⌊capacity/s⌋·s): with power-of-two TP degrees that
///   divide the node size, exactly the condition for the replicas to pack onto the nodes;
/// Objective: min-cost Σ price·GPUs·n_p; min-gpus Σ GPUs·n_p (cost as a 10⁻⁶ tie-break); max-rate s
/// (cost as a tie-break). With a current plan, `changes` adds d_p ≥ |n_p − current_p|.
/// ```
/// let milp = DeployMILP(problem: problem, columns: columns)
/// let solution = try milp.solve(solver: HighsSolver())
/// ```
public struct DeployMILP: Sendable {
    public var problem: DeployProblem
    public var columns: [PatternColumn]
    /// Fixed scale of every model's demand (min-cost and min-gpus; a what-if sweep may change it).
    public var scale: Double
    /// Replicas of each column in the plan being re-planned (nil: a fresh plan).
    public var current: [Int]?
    /// Under a re-plan, the most replicas that may change (stage 2 of the lexicographic solve).
    public var maximumChanges: Double?
    /// When true, the objective is the number of changed replicas (stage 1 of a re-plan).
    public var minimisesChanges = false

    public init(problem: DeployProblem, columns: [PatternColumn], scale: Double = 1) {
        self.problem = problem
        self.columns = columns
        self.scale = scale
    }

    /// The built model with handles to read a solution.
    public struct Built: Sendable {
        public var model: LinearModel
        var counts: [Variable]
        var disaggregated: [Int: [Int: Variable]]
        var scaleVariable: Variable?
        var changes: [Variable]
        var demandRows: [Constraint]
        var gpuRows: [(pool: Int, size: Int, row: Constraint)]
    }

    /// The solved plan: replicas per column, the scale, the backend's result and the LP relaxation's duals.
    public struct Solution: Sendable {
        public var counts: [Int]
        public var scale: Double
        public var result: SolveResult
        public var built: Built
        public var changes: Double
    }

    /// Most replicas of a column: the pool's GPUs over the replica's.
    func upperBound(_ column: PatternColumn) -> Int {
        problem.fleet[column.pattern.pool].count / max(1, column.pattern.gpus)
    }

    public func build() -> Built {
        var model = LinearModel(name: "deploy")
        let objectiveScaleCost = columns.compactMap(\.costPerHour).max() ?? 1
        var counts: [Variable] = []
        var capacity: [Int: LinearExpression] = [:]  // per column: capacity expression
        for (index, column) in columns.enumerated() {
            let n = model.addVariable(name: "n_\(index)", upper: Double(upperBound(column)), kind: .integer)
            counts.append(n)
            capacity[index] = column.capacityPerReplica * n
        }
        let scaleVariable: Variable? = problem.objective == .maxRate ? model.addVariable(name: "scale") : nil
        // Disaggregated rate per model and pool.
        var disaggregated: [Int: [Int: Variable]] = [:]
        for m in problem.models.indices {
            for t in problem.fleet.indices {
                let prefill = columns.indices.filter { columns[$0].pattern.model == m && columns[$0].pattern.pool == t && columns[$0].pattern.role == .prefill }
                let decode = columns.indices.filter { columns[$0].pattern.model == m && columns[$0].pattern.pool == t && columns[$0].pattern.role == .decode }
                guard !prefill.isEmpty, !decode.isEmpty else { continue }
                let r = model.addVariable(name: "r_\(m)_\(t)")
                disaggregated[m, default: [:]][t] = r
                var prefillCapacity = LinearExpression(), decodeCapacity = LinearExpression(), bandwidth = LinearExpression()
                for p in prefill {
                    prefillCapacity += capacity[p] ?? LinearExpression()
                    bandwidth.add(counts[p], coefficient: 0.8 * problem.fleet[t].networkBandwidth * Double(columns[p].pattern.gpus))
                }
                for d in decode { decodeCapacity += capacity[d] ?? LinearExpression() }
                let name = "\(problem.models[m].name)@\(problem.fleet[t].gpu.name)"
                model.addConstraint(r.expression <= prefillCapacity, name: "prefill[\(name)]", family: "prefill")
                model.addConstraint(r.expression <= decodeCapacity, name: "decode[\(name)]", family: "decode")
                let bytes = requestKVBytes(model: m, column: prefill[0])
                if bytes > 0 {
                    model.addConstraint(bytes * r <= bandwidth, name: "transfer[\(name)]", family: "transfer")
                }
            }
        }
        var demandRows: [Constraint] = []
        for (m, demand) in problem.models.enumerated() {
            var served = LinearExpression()
            for (index, column) in columns.enumerated() where column.pattern.model == m && column.pattern.role == .aggregated {
                served += capacity[index] ?? LinearExpression()
            }
            for r in (disaggregated[m] ?? [:]).values { served += r }
            let rate = demand.workload.arrivalRate
            let row: Constraint
            if let scaleVariable {
                row = model.addConstraint(served >= rate * scaleVariable, name: "demand[\(demand.name)]", family: "demand")
            } else {
                row = model.addConstraint(served >= rate * scale, name: "demand[\(demand.name)]", family: "demand")
            }
            demandRows.append(row)
        }
        var gpuRows: [(Int, Int, Constraint)] = []
        for (t, pool) in problem.fleet.enumerated() {
            let members = columns.indices.filter { columns[$0].pattern.pool == t }
            let sizes = Set(members.map { columns[$0].pattern.nodeItemSize }).union([1]).sorted()
            for size in sizes {
                let large = members.filter { columns[$0].pattern.nodeItemSize >= size }
                guard !large.isEmpty else { continue }
                let used = LinearExpression.sum(large.map { (counts[$0], Double(columns[$0].pattern.gpus)) })
                let row = model.addConstraint(
                    used <= Double(pool.usableGPUs(forItemsOf: size)), name: "gpus[\(pool.gpu.name)]/tp>=\(size)", family: "gpus")
                gpuRows.append((t, size, row))
            }
        }
        var changes: [Variable] = []
        if let current {
            for (index, n) in counts.enumerated() {
                let d = model.addVariable(name: "d_\(index)")
                let c = Double(current[index])
                model.addConstraint(d.expression >= n.expression - c, name: "up_\(index)", family: "changes")
                model.addConstraint(d.expression >= c - n.expression, name: "down_\(index)", family: "changes")
                changes.append(d)
            }
            if let maximumChanges {
                model.addConstraint(LinearExpression.sum(changes) <= maximumChanges + 1e-6, name: "most_changes", family: "changes")
            }
        }
        var cost = LinearExpression(), gpus = LinearExpression()
        for (index, column) in columns.enumerated() {
            cost.add(counts[index], coefficient: column.costPerHour ?? 0)
            gpus.add(counts[index], coefficient: Double(column.pattern.gpus))
        }
        let tieBreak = 1e-6 / max(1e-9, objectiveScaleCost * Double(max(1, problem.fleet.reduce(0) { $0 + $1.count })))
        if minimisesChanges {
            model.minimize(LinearExpression.sum(changes) + tieBreak * cost)
        } else {
            switch problem.objective {
            case .minCost: model.minimize(cost)
            case .minGPUs: model.minimize(gpus + tieBreak * cost)
            case .maxRate:
                if let scaleVariable { model.maximize(scaleVariable.expression - tieBreak * cost) }
            }
        }
        return Built(
            model: model, counts: counts, disaggregated: disaggregated, scaleVariable: scaleVariable, changes: changes,
            demandRows: demandRows, gpuRows: gpuRows)
    }

    /// KV-cache bytes of one mean request of model `m` (as the column's pattern counts them).
    func requestKVBytes(model m: Int, column: Int) -> Double {
        let sample = problem.models[m].workload.lengthSample(count: 400)
        let meanPrompt = Double(sample.reduce(0) { $0 + $1.prompt }) / Double(max(1, sample.count))
        return meanPrompt * columns[column].pattern.kvBytesPerToken
    }

    /// Builds and solves; the result's status says whether a plan was found.
    public func solve(solver: any LinearSolver) throws(PlanningError) -> Solution {
        let built = build()
        let settings = problem.settings
        let result: SolveResult
        do {
            result = try solver.solve(
                built.model, options: SolveOptions(timeLimit: settings.timeLimit, relativeGap: settings.relativeGap))
        } catch let error as PlanningError {
            throw error
        } catch {
            throw .failure("deployment MILP: \(error)")
        }
        var counts = [Int](repeating: 0, count: columns.count)
        var scale = self.scale
        var changes = 0.0
        if result.status.hasSolution {
            counts = built.counts.map { Int(result[$0].rounded()) }
            if let variable = built.scaleVariable { scale = result[variable] }
            changes = built.changes.reduce(0) { $0 + result[$1] }
        }
        return Solution(counts: counts, scale: scale, result: result, built: built, changes: changes)
    }
}
