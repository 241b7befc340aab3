import Foundation
import Planning
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
    /// Most branch-and-bound nodes per layer's MILP (HiGHS `mip_max_nodes`; nil: none). On one
    /// thread, a node limit that binds before the time limit makes the result reproducible.
    public var nodeLimit: Int?
    /// The MILP backend.
    public var solver: any LinearSolver

    /// Creates the method.
    public init(
        maxImbalance: Double, timeLimit: Double = 60, relativeGap: Double = 5e-3, nodeLimit: Int? = nil,
        solver: any LinearSolver = HighsSolver()
    ) {
        self.maxImbalance = maxImbalance
        self.timeLimit = timeLimit
        self.relativeGap = relativeGap
        self.nodeLimit = nodeLimit
        self.solver = solver
    }

    public var method: PlacementMethod { .loadAwareBalance }

    /// One layer's MILP result: placement, objective, the better of the solver's and the LP
    /// relaxation's bound, how the MILP ended, and the backend's seconds, nodes and solves.
    struct LayerSolve {
        var gpusOf: [[Int]]
        var objective: Double
        var bound: Double
        var status: SolveSummary.Status
        var solveSeconds: Double
        var nodes: Int
        var solves: Int
    }

    /// Every layer's MILP. The summary adds the layers' objectives, bounds, seconds, nodes and
    /// solves; its status is optimal when every layer's is, a time limit when one layer's stopped
    /// there, else `other` (a node limit); the gap is (objective − bound) / objective.
    public func place(_ problem: PlacementProblem) throws(PlacementError) -> PlacementOutcome {
        let watch = Stopwatch()
        var gpusOf: [[[Int]]] = []
        var objective = 0.0, bound = 0.0, solveSeconds = 0.0, nodes = 0, solves = 0
        var statuses: Set<SolveSummary.Status> = []
        for l in 0..<problem.layers {
            let left = max(0.05, (timeLimit - watch.seconds) / Double(problem.layers - l))
            let layer = try solveLayer(problem, layer: l, timeLimit: left)
            gpusOf.append(layer.gpusOf)
            objective += layer.objective
            bound += layer.bound
            solveSeconds += layer.solveSeconds
            nodes += layer.nodes
            solves += layer.solves
            statuses.insert(layer.status)
        }
        let plan = ExpertPlan(method: method, gpusOf: gpusOf, gpus: problem.gpus, routing: .even)
        let bestBound = min(bound, objective)
        let status: SolveSummary.Status = statuses == [.optimal] ? .optimal
            : statuses.contains(.timeLimitFeasible) ? .timeLimitFeasible : .other
        return PlacementOutcome(plan: plan, solve: SolveSummary(
            status: status, objective: objective, bestBound: bestBound,
            relativeGap: objective > 0 ? max(0, objective - bestBound) / objective : 0, solveSeconds: solveSeconds,
            wallSeconds: watch.seconds, nodes: nodes, solves: solves))
    }

    /// One layer's MILP: placement, objective, the bound and the backend's figures.
    func solveLayer(_ problem: PlacementProblem, layer l: Int, timeLimit: Double) throws(PlacementError) -> LayerSolve {
        let (cost, supply) = LoadAwarePlacer().replicaCosts(problem, layer: l)
        let loads = problem.profile.expertLoads(layer: l)
        let share = loads.indices.map { loads[$0] / Double(supply[$0]) }
        let cap = maxImbalance * loads.reduce(0, +) / Double(problem.gpus)
        if let worst = share.indices.max(by: { share[$0] < share[$1] }), share[worst] > cap * (1 + 1e-12) {
            throw PlacementError(
                "balance \(maxImbalance) is infeasible at layer \(l): expert \(worst) carries \(fmt(share[worst])) activations per "
                    + "replica, above the per-GPU cap \(fmt(cap)) (= \(maxImbalance) × mean); add redundant experts or loosen maxImbalance")
        }
        let experts = problem.experts, gpus = problem.gpus
        func build(integer: Bool) -> (LinearModel, [[Variable]]) {
            var model = LinearModel(name: "moe-balance-layer-\(l)")
            model.reserveCapacity(variables: experts * gpus, constraints: experts + 2 * gpus, terms: 3 * experts * gpus)
            let x = (0..<experts).map { e in
                model.addVariables(count: gpus, upper: 1, kind: integer ? .binary : .continuous) { "x[\(e),\($0)]" }
            }
            for e in 0..<experts {
                model.addConstraint(
                    LinearConstraint(.sum(x[e]), lower: Double(supply[e]), upper: Double(supply[e])), name: "place[\(e)]", family: "place")
            }
            for g in 0..<gpus {
                model.addConstraint(LinearConstraint(.sum((0..<experts).map { x[$0][g] }), upper: Double(problem.slotsPerGPU)),
                                    name: "slots[\(g)]", family: "slots")
                model.addConstraint(LinearConstraint(.sum((0..<experts).map { (x[$0][g], share[$0]) }), upper: cap),
                                    name: "balance[\(g)]", family: "balance")
            }
            model.minimize(.sum((0..<experts).flatMap { e in (0..<gpus).map { (x[e][$0], cost[e][$0]) } }))
            return (model, x)
        }
        // The LP relaxation's optimum is a bound even when the MILP stops before its root.
        let watch = Stopwatch()
        let relaxation = try? solver.solve(build(integer: false).0, options: SolveOptions(timeLimit: timeLimit / 2, threads: 1))
        if relaxation?.status == .infeasible {
            throw PlacementError(
                "balance \(maxImbalance) is infeasible at layer \(l) with \(problem.slotsPerGPU) slots per GPU; "
                    + "add redundant experts or loosen maxImbalance")
        }
        let lpBound = relaxation?.status == .optimal ? relaxation?.objectiveValue ?? 0 : 0
        let (model, x) = build(integer: true)
        let warm = greedyStart(cost: cost, supply: supply, share: share, cap: cap, slots: problem.slotsPerGPU)
            .map { improveBySwaps($0, cost: cost, share: share, cap: cap, slots: problem.slotsPerGPU) }
        var options = SolveOptions(
            timeLimit: max(0.05, timeLimit - watch.seconds), relativeGap: relativeGap, threads: 1,
            backendOptions: nodeLimit.map { ["mip_max_nodes": String($0)] } ?? [:])
        if let warm {
            var values = [Double](repeating: 0, count: experts * gpus)
            for (e, list) in warm.enumerated() { for g in list { values[x[e][g].index] = 1 } }
            options.initialSolution = values
        }
        let result: SolveResult
        do {
            result = try solver.solve(model, options: options)
        } catch {
            throw PlacementError("layer \(l): the balance MILP could not run: \(error)")
        }
        // A node limit ends with the incumbent's values but a status other than optimal or time limit.
        let incumbent = result.objectiveValue != nil && result.values.count == model.variableCount
        let backendSeconds = (relaxation?.solveSeconds ?? 0) + result.solveSeconds
        let solves = relaxation == nil ? 1 : 2
        if !incumbent, result.status != .infeasible, let warm {
            let value = warm.enumerated().reduce(0.0) { sum, pair in sum + pair.1.reduce(0) { $0 + cost[pair.0][$1] } }
            // The warm start stands in for the incumbent the limit did not leave.
            let status: SolveSummary.Status = if case .timeLimit = result.status { .timeLimitFeasible } else { .other }
            return LayerSolve(
                gpusOf: warm, objective: value, bound: max(lpBound, result.bestBound ?? 0), status: status,
                solveSeconds: backendSeconds, nodes: result.nodeCount, solves: solves)
        }
        guard incumbent, let value = result.objectiveValue else {
            if result.status == .infeasible {
                throw PlacementError(
                    "balance \(maxImbalance) is infeasible at layer \(l) with \(problem.slotsPerGPU) slots per GPU; "
                        + "add redundant experts or loosen maxImbalance")
            }
            throw PlacementError("layer \(l): no placement meets balance \(maxImbalance) within \(fmt(timeLimit)) s (\(result.status))")
        }
        let gpusOf = (0..<experts).map { e in (0..<gpus).filter { result[x[e][$0]] > 0.5 } }
        return LayerSolve(
            gpusOf: gpusOf, objective: value, bound: max(lpBound, result.bestBound ?? 0), status: SolveSummary.Status(result.status),
            solveSeconds: backendSeconds, nodes: result.nodeCount, solves: solves)
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

    /// Local search on a feasible placement: move a replica to a GPU with a free slot, or swap two
    /// replicas of different experts between GPUs, whenever that lowers the cost and keeps every
    /// GPU under the cap, each expert's replicas on distinct GPUs; until no move helps (at most 50
    /// passes).
    func improveBySwaps(_ start: [[Int]], cost: [[Double]], share: [Double], cap: Double, slots: Int) -> [[Int]] {
        let gpus = cost.first?.count ?? 0
        var replicas: [(expert: Int, gpu: Int)] = start.enumerated().flatMap { e, list in list.map { (e, $0) } }
        var load = [Double](repeating: 0, count: gpus), used = [Int](repeating: 0, count: gpus)
        var holds = [Set<Int>](repeating: [], count: gpus)
        for r in replicas {
            load[r.gpu] += share[r.expert]
            used[r.gpu] += 1
            holds[r.gpu].insert(r.expert)
        }
        for _ in 0..<50 {
            var improved = false
            for i in replicas.indices {
                let (a, ga) = replicas[i]
                for g in 0..<gpus where used[g] < slots && g != ga && !holds[g].contains(a)
                    && load[g] + share[a] <= cap && cost[a][g] < cost[a][ga] - 1e-9 {
                    load[ga] -= share[a]; used[ga] -= 1; holds[ga].remove(a)
                    load[g] += share[a]; used[g] += 1; holds[g].insert(a)
                    replicas[i].gpu = g
                    improved = true
                    break
                }
                let (e1, g1) = replicas[i]
                for j in replicas.indices where j != i {
                    let (e2, g2) = replicas[j]
                    guard g1 != g2, e1 != e2, !holds[g1].contains(e2), !holds[g2].contains(e1) else { continue }
                    let delta = cost[e1][g2] + cost[e2][g1] - cost[e1][g1] - cost[e2][g2]
                    guard delta < -1e-9, load[g1] - share[e1] + share[e2] <= cap, load[g2] - share[e2] + share[e1] <= cap else { continue }
                    load[g1] += share[e2] - share[e1]
                    load[g2] += share[e1] - share[e2]
                    holds[g1].remove(e1); holds[g1].insert(e2)
                    holds[g2].remove(e2); holds[g2].insert(e1)
                    replicas[i].gpu = g2
                    replicas[j].gpu = g1
                    improved = true
                    break
                }
            }
            if !improved { break }
        }
        var result = [[Int]](repeating: [], count: start.count)
        for r in replicas { result[r.expert].append(r.gpu) }
        return result.map { $0.sorted() }
    }

    private func fmt(_ value: Double) -> String { String(format: "%.4g", value) }
}
