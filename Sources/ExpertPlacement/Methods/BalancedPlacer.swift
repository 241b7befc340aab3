import Foundation
import Solver

/// The load-aware ILP with a compute-balance row per GPU:
/// Σ_e (w_e / n_e) · x[e,g] ≤ maxImbalance · W / G, where w_e is expert e's profiled load, n_e its
/// replica count (EPLB's rule) and W the layer's total load. That makes each layer a generalized
/// assignment problem (NP-hard), solved as a MILP on the `Solver` backend with a greedy warm
/// start. Balance, slots and the objective are all per layer, so the layers are independent MILPs
/// and the sums of their objectives and bounds are the whole model's; the time limit is shared
/// out over the layers still to solve. Replicas split tokens evenly (the load model the balance
/// row assumes).
public struct BalancedPlacer: ExpertPlacer {
    /// Allowed max/mean GPU load, ≥ 1 (1.10 means 10 % above the mean).
    public var maxImbalance: Double
    /// Seconds for all layers together.
    public var timeLimit: Double
    /// Relative gap at which one layer's MILP stops.
    public var relativeGap: Double
    /// The MILP backend.
    public var solver: any LinearSolver

    /// Creates the method.
    public init(maxImbalance: Double, timeLimit: Double = 60, relativeGap: Double = 1e-3, solver: any LinearSolver = HighsSolver()) {
        self.maxImbalance = maxImbalance
        self.timeLimit = timeLimit
        self.relativeGap = relativeGap
        self.solver = solver
    }

    public var name: String { "load-aware+balance" }

    public func place(_ problem: PlacementProblem) throws(PlacementError) -> PlacementOutcome {
        let start = Date()
        var gpusOf: [[[Int]]] = []
        var objective = 0.0, bound = 0.0
        for l in 0..<problem.layers {
            let left = max(0.05, (timeLimit - Date().timeIntervalSince(start)) / Double(problem.layers - l))
            let layer = try solveLayer(problem, layer: l, timeLimit: left)
            gpusOf.append(layer.gpusOf)
            objective += layer.objective
            bound += layer.bound
        }
        let plan = ExpertPlan(method: name, gpusOf: gpusOf, gpus: problem.gpus, routing: .even)
        return PlacementOutcome(plan: plan, objective: objective, bound: min(bound, objective))
    }

    /// One layer: the MILP over classes of interchangeable GPUs, then a packing inside each class;
    /// when a class cannot be packed, the exact MILP over single GPUs.
    func solveLayer(_ problem: PlacementProblem, layer l: Int, timeLimit: Double) throws(PlacementError)
        -> (gpusOf: [[Int]], objective: Double, bound: Double)
    {
        let (cost, supply) = LoadAwarePlacer().replicaCosts(problem, layer: l)
        let loads = problem.profile.expertLoads(layer: l)
        let share = loads.indices.map { loads[$0] / Double(supply[$0]) }
        let cap = maxImbalance * loads.reduce(0, +) / Double(problem.gpus)
        if let worst = share.indices.max(by: { share[$0] < share[$1] }), share[worst] > cap * (1 + 1e-12) {
            throw PlacementError(
                "balance \(maxImbalance) is infeasible at layer \(l): expert \(worst) carries \(fmt(share[worst])) activations per "
                    + "replica, above the per-GPU cap \(fmt(cap)) (= \(maxImbalance) × mean); add redundant experts or loosen maxImbalance")
        }
        let layer = BalanceLayer(cost: cost, supply: supply, share: share, cap: cap, slots: problem.slotsPerGPU)
        let warm = greedyStart(cost: cost, supply: supply, share: share, cap: cap, slots: problem.slotsPerGPU)
        let classes = Self.interchangeableGPUs(problem.distances)
        let started = Date()
        if classes.count < problem.gpus {
            let grouped = try solve(layer, classes: classes, warm: warm, timeLimit: timeLimit / 2, layerIndex: l)
            if let packed = layer.pack(grouped.perClass, classes: classes, solver: solver) {
                return (packed, grouped.objective, grouped.bound)
            }
        }
        let single = try solve(
            layer, classes: (0..<problem.gpus).map { [$0] }, warm: warm,
            timeLimit: max(0.05, timeLimit - Date().timeIntervalSince(started)), layerIndex: l)
        return (single.perClass, single.objective, single.bound)
    }

    /// GPUs whose distances to and from every GPU are equal (the GPUs of one server): placing a
    /// replica on any of them costs the same.
    static func interchangeableGPUs(_ distances: DistanceMatrix) -> [[Int]] {
        var classes: [[Int]] = []
        var keyOf: [[Double]: Int] = [:]
        for g in 0..<distances.count {
            let key = distances.rows[g] + (0..<distances.count).map { distances[$0, g] }
            if let k = keyOf[key] { classes[k].append(g) } else {
                keyOf[key] = classes.count
                classes.append([g])
            }
        }
        return classes
    }

    /// The MILP with y[e,k] = replicas of e in class k (at most one per GPU): Σ_k y[e,k] = n_e,
    /// Σ_e y[e,k] ≤ slots·|k|, Σ_e share_e·y[e,k] ≤ cap·|k|. With one GPU per class this is the
    /// exact model; with larger classes it is a relaxation (per-GPU rows summed), so its bound is
    /// valid for the exact model. Returns per expert the classes chosen (with multiplicity).
    func solve(_ layer: BalanceLayer, classes: [[Int]], warm: [[Int]]?, timeLimit: Double, layerIndex l: Int) throws(PlacementError)
        -> (perClass: [[Int]], objective: Double, bound: Double)
    {
        let experts = layer.cost.count
        var model = LinearModel(name: "moe-balance-layer-\(l)")
        model.reserveCapacity(variables: experts * classes.count, constraints: experts + 2 * classes.count, terms: 3 * experts * classes.count)
        let y = (0..<experts).map { e in
            classes.indices.map { k in
                model.addVariable(
                    name: "y[\(e),\(k)]", upper: Double(min(layer.supply[e], classes[k].count)),
                    kind: classes[k].count == 1 ? .binary : .integer)
            }
        }
        for e in 0..<experts {
            let n = Double(layer.supply[e])
            model.addConstraint(LinearConstraint(.sum(y[e]), lower: n, upper: n), name: "place[\(e)]", family: "place")
        }
        for (k, members) in classes.enumerated() {
            let size = Double(members.count)
            model.addConstraint(LinearConstraint(.sum((0..<experts).map { y[$0][k] }), upper: Double(layer.slots) * size),
                                name: "slots[\(k)]", family: "slots")
            model.addConstraint(LinearConstraint(.sum((0..<experts).map { (y[$0][k], layer.share[$0]) }), upper: layer.cap * size),
                                name: "balance[\(k)]", family: "balance")
        }
        model.minimize(.sum((0..<experts).flatMap { e in classes.indices.map { (y[e][$0], layer.cost[e][classes[$0][0]]) } }))
        var options = SolveOptions(timeLimit: timeLimit, relativeGap: relativeGap, threads: 1)
        var classOf = [Int](repeating: 0, count: layer.cost.first?.count ?? 0)
        for (k, members) in classes.enumerated() { for g in members { classOf[g] = k } }
        if let warm {
            var values = [Double](repeating: 0, count: model.variableCount)
            for (e, list) in warm.enumerated() { for g in list { values[y[e][classOf[g]].index] += 1 } }
            options.initialSolution = values
        }
        let result: SolveResult
        do {
            result = try solver.solve(model, options: options)
        } catch {
            throw PlacementError("layer \(l): the balance MILP could not run: \(error)")
        }
        if !result.status.hasSolution, result.status != .infeasible, let warm {
            let value = warm.enumerated().reduce(0.0) { sum, pair in sum + pair.1.reduce(0) { $0 + layer.cost[pair.0][$1] } }
            return (warm.map { $0.map { classOf[$0] } }, value, result.bestBound ?? 0)
        }
        guard result.status.hasSolution, let value = result.objectiveValue else {
            if result.status == .infeasible {
                throw PlacementError(
                    "balance \(maxImbalance) is infeasible at layer \(l) with \(layer.slots) slots per GPU; "
                        + "add redundant experts or loosen maxImbalance")
            }
            throw PlacementError("layer \(l): no placement meets balance \(maxImbalance) within \(fmt(timeLimit)) s (\(result.status))")
        }
        let perClass = (0..<experts).map { e in
            classes.indices.flatMap { k in [Int](repeating: k, count: Int(result[y[e][k]].rounded())) }
        }
        return (perClass, value, result.bestBound ?? 0)
    }

    /// A feasible start: replicas by descending load, each to the cheapest GPU with a free slot and
    /// room under the cap; if that gets stuck, each to the least-loaded GPU with a free slot
    /// (longest-processing-time packing, EPLB's rule). Nil when neither meets the cap.
    func greedyStart(cost: [[Double]], supply: [Int], share: [Double], cap: Double, slots: Int) -> [[Int]]? {
        let gpus = cost.first?.count ?? 0
        let order = share.indices.sorted { share[$0] > share[$1] || (share[$0] == share[$1] && $0 < $1) }
        for costAware in [true, false] {
            var free = [Int](repeating: slots, count: gpus), load = [Double](repeating: 0, count: gpus)
            var result = [[Int]](repeating: [], count: cost.count)
            placing: for e in order {
                for _ in 0..<supply[e] {
                    var best = -1
                    for g in 0..<gpus where free[g] > 0 && !result[e].contains(g) {
                        if costAware {
                            if load[g] + share[e] <= cap && (best < 0 || cost[e][g] < cost[e][best]) { best = g }
                        } else if best < 0 || load[g] < load[best] {
                            best = g
                        }
                    }
                    guard best >= 0, load[best] + share[e] <= cap else { break placing }
                    free[best] -= 1
                    load[best] += share[e]
                    result[e].append(best)
                }
            }
            if zip(result, supply).allSatisfy({ $0.count == $1 }) { return result }
        }
        return nil
    }

    private func fmt(_ value: Double) -> String { String(format: "%.4g", value) }
}
