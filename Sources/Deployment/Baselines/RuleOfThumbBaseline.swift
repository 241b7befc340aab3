import Planning
import ServingModel

/// The rule of thumb: per model, the cheapest GPU type the model fits on, its minimal layout,
/// `vllm serve`'s default engine limits, and ⌈load / (0.7 × capacity)⌉ replicas.
///
/// - GPU type: the lowest price of one replica (price × GPUs of the minimal layout); without a
///   price on every fitting type, or under min-gpus, the fewest GPUs per replica (ties: fleet order).
///   A type whose lone replica misses the SLO even unloaded is passed over (with a note).
/// - Layout: the fewest GPUs that hold the weights and a KV cache (TP 1, 2, 4, 8 within a node;
///   PP only when no node holds the model).
/// - Capacity c: `CapacityModel`'s single-replica SLO capacity on the model's workload.
/// - min-cost / min-gpus: ⌈λ / (0.7 c)⌉ replicas; when the pool is short, what fits is deployed
///   and a note says how many more GPUs the rule wanted.
/// - max-rate: the fleet is filled (`BaselineSupport.fill`: each model on its type, pools split in
///   proportion to demand) and the scale is 0.7 × the capacity-model rate over the demand, the
///   same 30 % headroom.
/// ```
/// let plan = try RuleOfThumbBaseline().plan(problem)
/// print(plan.groups.map { "\($0.model) \($0.gpu) TP\($0.tp) × \($0.count)" })
/// ```
public struct RuleOfThumbBaseline: DeployBaseline {
    public var name: String { "rule-of-thumb" }
    /// The share of capacity the rule loads a replica to.
    public var utilization: Double

    public init(utilization: Double = 0.7) {
        self.utilization = utilization
    }

    public func plan(_ problem: DeployProblem) throws(PlanningError) -> DeployPlan {
        let watch = Stopwatch()
        try BaselineSupport.validate(problem)
        guard utilization > 0, utilization <= 1 else {
            throw .badInput("rule-of-thumb utilization: must be in (0, 1] (got \(utilization))")
        }
        var notes: [String] = []
        var choices: [Int: BaselineSupport.Choice] = [:]
        for model in problem.models.indices {
            let demand = problem.models[model]
            let ranked = rankedPatterns(problem, model: model)
            guard !ranked.isEmpty else {
                notes.append("\(demand.name): no GPU type fits")
                continue
            }
            let capacityModel = CapacityModel(slo: demand.slo, profile: BaselineSupport.profile(demand))
            for pattern in ranked {
                let capacity = capacityModel.capacity(of: pattern, upTo: 1).single
                if capacity > 0 {
                    choices[model] = BaselineSupport.Choice(pattern: pattern, ratePerReplica: capacity)
                    break
                }
                notes.append("\(demand.name): one replica on \(problem.fleet[pattern.pool].gpu.name) misses the SLO even unloaded")
            }
        }
        var groups: [DeploymentGroup] = []
        if problem.objective == .maxRate {
            groups += BaselineSupport.filledGroups(problem, choices: choices, notes: &notes)
        } else {
            var free = problem.fleet.map(\.nodeCapacities)
            for (model, choice) in choices.sorted(by: { $0.key < $1.key }) {
                let demand = problem.models[model]
                let wanted = Self.replicas(load: demand.workload.arrivalRate, capacity: choice.ratePerReplica, utilization: utilization)
                var placed = 0
                while placed < wanted, BaselineSupport.place(choice.pattern.layout, in: &free[choice.pattern.pool]) { placed += 1 }
                if placed < wanted {
                    let gpu = problem.fleet[choice.pattern.pool].gpu.name
                    notes.append("fleet too small: \(demand.name) needs \((wanted - placed) * choice.pattern.gpus) more \(gpu)")
                }
                groups.append(BaselineSupport.group(problem, choice.pattern, count: placed, capacity: choice.ratePerReplica))
            }
        }
        let scale = BaselineSupport.scale(problem, groups: groups, headroom: utilization)
        var plan = PlanAssembly(problem: problem).plan(name: name, groups: groups, scale: scale, notes: notes)
        plan.planningSeconds = watch.seconds
        return plan
    }

    /// ⌈load / (utilization × capacity)⌉ (0 without load).
    public static func replicas(load: Double, capacity: Double, utilization: Double = 0.7) -> Int {
        guard load > 0, capacity > 0 else { return 0 }
        return Int((load / (utilization * capacity)).rounded(.up))
    }

    /// The minimal-layout replica on every GPU type the model fits on, cheapest first.
    func rankedPatterns(_ problem: DeployProblem, model: Int) -> [ReplicaPattern] {
        let candidates = problem.fleet.indices.compactMap { pool -> ReplicaPattern? in
            guard let layout = BaselineSupport.minimalLayout(problem, model: model, pool: pool) else { return nil }
            return BaselineSupport.pattern(problem, model: model, pool: pool, layout: layout)
        }
        let priced = candidates.allSatisfy { problem.fleet[$0.pool].pricePerHour != nil }
        func key(_ pattern: ReplicaPattern) -> (Double, Int) {
            let gpus = Double(pattern.gpus)
            guard problem.objective != .minGPUs, priced, let price = problem.fleet[pattern.pool].pricePerHour else {
                return (gpus, pattern.pool)
            }
            return (price * gpus, pattern.pool)
        }
        return candidates.sorted { key($0) < key($1) }
    }
}
