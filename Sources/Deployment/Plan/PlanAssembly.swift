import Planning

/// Turns replica groups into a `DeployPlan`: places every group's replicas on nodes of its GPU
/// type (first-fit decreasing by TP group, which is optimal when TP degrees divide one another
/// and the node size), totals GPUs, nodes and cost per type, and fills each model's outcome
/// (demand, the groups' planned capacity). Shared by the planner and the baselines so that every
/// plan is reported the same way.
/// ```
/// let plan = PlanAssembly(problem: problem).plan(name: "rule-of-thumb", groups: groups)
/// print(plan.costPerHour ?? 0, plan.gpusUsed)
/// ```
public struct PlanAssembly: Sendable {
    public var problem: DeployProblem

    public init(problem: DeployProblem) {
        self.problem = problem
    }

    /// Index of the pool named `gpu`, if any.
    public func pool(named gpu: String) -> Int? {
        problem.fleet.firstIndex { $0.gpu.name == gpu }
    }

    /// The plan of `groups` (each group's `capacityPerReplica` already set), demand scaled by `scale`.
    /// Groups that do not fit their pool's nodes keep `nodes` empty and add a note.
    public func plan(name: String, groups: [DeploymentGroup], scale: Double = 1, notes: [String] = []) -> DeployPlan {
        var groups = groups.filter { $0.count > 0 }
        var notes = notes
        var usage: [GPUUsage] = []
        for (index, fleetPool) in problem.fleet.enumerated() {
            let members = groups.indices.filter { self.pool(named: groups[$0].gpu) == index }
            guard !members.isEmpty else { continue }
            var free = fleetPool.nodeCapacities
            var used = Set<Int>()
            // Each replica's pipeline stages are TP-sized items; place the largest items first.
            let order = members.sorted { groups[$0].tp > groups[$1].tp }
            for g in order {
                var nodes = Set<Int>()
                var placed = true
                for _ in 0..<(groups[g].count * groups[g].pp) {
                    guard let node = free.firstIndex(where: { $0 >= groups[g].tp }) else {
                        placed = false
                        break
                    }
                    free[node] -= groups[g].tp
                    nodes.insert(node)
                }
                if !placed { notes.append("\(groups[g].model) on \(fleetPool.gpu.name): the replicas do not fit the pool's nodes") }
                groups[g].nodes = nodes.sorted()
                used.formUnion(nodes)
                groups[g].costPerHour = fleetPool.pricePerHour.map { $0 * Double(groups[g].gpus) }
            }
            let gpus = members.reduce(0) { $0 + groups[$1].gpus }
            usage.append(GPUUsage(
                gpu: fleetPool.gpu.name, gpus: gpus, nodes: used.count, available: fleetPool.count,
                costPerHour: fleetPool.pricePerHour.map { $0 * Double(gpus) }))
        }
        let costs = usage.map(\.costPerHour)
        let cost: Double? = costs.contains { $0 == nil } ? nil : costs.reduce(0) { $0 + ($1 ?? 0) }
        let models = problem.models.map { demand in
            ModelOutcome(
                name: demand.name, demandRate: demand.workload.arrivalRate * scale,
                plannedRate: Self.plannedRate(groups.filter { $0.model == demand.name }), slo: demand.slo.report)
        }
        return DeployPlan(
            name: name, objective: problem.objective.rawValue, scale: scale, groups: groups, models: models,
            costPerHour: cost, gpusUsed: usage, notes: notes)
    }

    /// Requests per second a model's groups carry by their capacities: aggregated replicas add up;
    /// a prefill/decode pair carries the smaller of its two pools' capacities.
    public static func plannedRate(_ groups: [DeploymentGroup]) -> Double {
        func total(_ role: ServingRole) -> Double {
            groups.filter { $0.role == role }.reduce(0) { $0 + Double($1.count) * $1.capacityPerReplica }
        }
        return total(.aggregated) + min(total(.prefill), total(.decode))
    }
}
