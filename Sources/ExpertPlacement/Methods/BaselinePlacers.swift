/// Expert e on GPU e mod G (no replicas).
public struct RoundRobinPlacer: ExpertPlacer {
    /// Creates the method.
    public init() {}
    public var method: PlacementMethod { .roundRobin }

    public func place(_ problem: PlacementProblem) throws(PlacementError) -> PlacementOutcome {
        try fixedLayout(problem, method: method) { e in e % problem.gpus }
    }
}

/// Expert e on GPU ⌊e·G/E⌋ (no replicas): the engines' default, which keeps DeepSeek's expert
/// groups together.
public struct ContiguousPlacer: ExpertPlacer {
    /// Creates the method.
    public init() {}
    public var method: PlacementMethod { .contiguous }

    public func place(_ problem: PlacementProblem) throws(PlacementError) -> PlacementOutcome {
        try fixedLayout(problem, method: method) { e in e * problem.gpus / problem.experts }
    }
}

/// The same layout on every layer; checks that no GPU gets more experts than it has slots.
private func fixedLayout(_ problem: PlacementProblem, method: PlacementMethod, gpu: (Int) -> Int) throws(PlacementError) -> PlacementOutcome {
    let layer = (0..<problem.experts).map { [gpu($0)] }
    let perGPU = (0..<problem.gpus).map { g in layer.filter { $0[0] == g }.count }
    if let most = perGPU.max(), most > problem.slotsPerGPU {
        throw PlacementError("\(method) puts \(most) experts on one GPU, which has \(problem.slotsPerGPU) slots")
    }
    let plan = ExpertPlan(
        method: method, gpusOf: [[[Int]]](repeating: layer, count: problem.layers), gpus: problem.gpus, routing: .nearest)
    return .rule(plan)
}

/// SGLang's topology planner, extended to replicas: experts by descending profiled load, each
/// replica to the cheapest GPU with a free slot that does not hold the expert yet (ties: lowest GPU).
public struct GreedyTopologyPlacer: ExpertPlacer {
    /// Creates the method.
    public init() {}
    public var method: PlacementMethod { .greedy }

    public func place(_ problem: PlacementProblem) throws(PlacementError) -> PlacementOutcome {
        let costing = LoadAwarePlacer()
        var gpusOf: [[[Int]]] = []
        for l in 0..<problem.layers {
            let (cost, supply) = costing.replicaCosts(problem, layer: l)
            let loads = problem.profile.expertLoads(layer: l)
            var free = [Int](repeating: problem.slotsPerGPU, count: problem.gpus)
            var layer = [[Int]](repeating: [], count: problem.experts)
            for e in loads.indices.sorted(by: { loads[$0] > loads[$1] || (loads[$0] == loads[$1] && $0 < $1) }) {
                for _ in 0..<supply[e] {
                    var best = -1
                    for g in 0..<problem.gpus where free[g] > 0 && !layer[e].contains(g)
                        && (best < 0 || cost[e][g] < cost[e][best]) { best = g }
                    guard best >= 0 else { throw PlacementError("greedy: no free GPU left for a replica of expert \(e) at layer \(l)") }
                    free[best] -= 1
                    layer[e].append(best)
                }
            }
            gpusOf.append(layer)
        }
        return .rule(ExpertPlan(method: method, gpusOf: gpusOf, gpus: problem.gpus, routing: .nearest))
    }
}

/// DeepSeek's EPLB on the profiled loads: hierarchical (expert groups packed onto servers) when
/// the groups divide over the servers, else global; replicas split tokens evenly.
public struct EPLBPlacer: ExpertPlacer {
    /// Always use the global policy.
    public var forceGlobal: Bool

    /// Creates `eplb` (automatic policy) or `eplb-global`.
    public init(forceGlobal: Bool = false) { self.forceGlobal = forceGlobal }
    public var method: PlacementMethod { forceGlobal ? .eplbGlobal : .eplb }

    public func place(_ problem: PlacementProblem) throws(PlacementError) -> PlacementOutcome {
        let physical = problem.physicalExperts
        guard physical % problem.gpus == 0, physical / problem.gpus <= problem.slotsPerGPU else {
            throw PlacementError(
                "EPLB fills every GPU equally: \(problem.experts) experts + \(problem.redundantExperts) redundant = \(physical) "
                    + "is not a multiple of \(problem.gpus) GPUs within \(problem.slotsPerGPU) slots each")
        }
        let perGPU = physical / problem.gpus
        var layers: [[[Int]]] = []
        for l in 0..<problem.layers {
            let (result, _) = try EPLB.rebalance(
                weight: problem.profile.expertLoads(layer: l), physical: physical, groups: problem.expertGroups,
                nodes: problem.distances.nodeCount, gpus: problem.gpus, forceGlobal: forceGlobal)
            layers.append((0..<problem.gpus).map { Array(result.physicalToLogical[($0 * perGPU)..<(($0 + 1) * perGPU)]) })
        }
        return .rule(ExpertPlan(method: method, layers: layers, routing: .even))
    }
}
