import Planning
import ServingModel

/// aiconfigurator 0.12.0's method (NVIDIA's deployment-configuration search) on GPUSched's
/// roofline: per model, one GPU type and one aggregated layout copied into identical replicas.
///
/// For each GPU type and TP ∈ {1, 2, 4, 8} (PP = 1; within a node, heads split, weights fit), every
/// (batch, context tokens) point of its schedule is estimated statically
/// (`AIConfiguratorEstimate`: no arrivals, no queueing); points whose KV cache b × (ISL + OSL)
/// does not fit end the batch's sweep, as its `check_kv_cache_oom` does; points meeting the TTFT
/// and TPOT targets are kept, ISL and OSL being the workload's mean lengths (rounded).
/// - max-rate (its `cli default`): per model the point of highest tokens/s/GPU over all types and
///   TPs (`sort_values(by="tokens/s/gpu")`, `sdk/sweep.py`), copied ⌊N / TP⌋ times on the N GPUs it
///   gets (`total_gpus // num_total_gpus`, `sdk/picking.py`); with several models a pool is split
///   in proportion to demand (`BaselineSupport.fill`). The scale is the rate it promises.
/// - min-cost / min-gpus (its target-load mode, `get_best_configs_for_target_load`,
///   `sdk/pareto_analysis.py`): per point ⌈λ / seq/s⌉ replicas, and the point needing the fewest
///   GPUs (min-cost: the lowest price) whose replicas fit what is left of its pool; when none fits,
///   the point of highest tokens/s/GPU is capped to the pool's ⌊N / TP⌋ and a note says how many
///   GPUs are missing. Not "all of the type's GPUs": the fewest replicas whose promised rate covers
///   the demand.
/// Each group's `capacityPerReplica` is the promised `seq/s`; `maxBatch` and `chunkTokens` are the
/// limits its generator launches the worker with (`launchLimits`: `--max-num-seqs 512` for a point
/// modelled at batch 96, as its `run_0.sh` for Llama-3.1-8B shows), not the modelled batch; the
/// KV check of a point is made under those limits.
/// ```
/// let plan = try AIConfiguratorBaseline().plan(problem)
/// print(plan.groups[0].tp, plan.groups[0].maxBatch, plan.groups[0].count)
/// ```
public struct AIConfiguratorBaseline: DeployBaseline {
    public var name: String { "aiconfigurator" }
    /// Tensor-parallel degrees it searches.
    public static let tensorParallelDegrees = [1, 2, 4, 8]

    public init() {}

    /// One feasible configuration of a model: the replica and its static estimate.
    struct Candidate {
        var pattern: ReplicaPattern
        var estimate: AIConfiguratorEstimate
    }

    public func plan(_ problem: DeployProblem) throws(PlanningError) -> DeployPlan {
        let watch = Stopwatch()
        try BaselineSupport.validate(problem)
        var notes: [String] = []
        var found: [Int: [Candidate]] = [:]
        for model in problem.models.indices {
            let list = problem.fleet.indices.flatMap { candidates(problem, model: model, pool: $0) }
            if list.isEmpty {
                notes.append("\(problem.models[model].name): no GPU type and TP meets the SLO in aiconfigurator's estimate")
            } else {
                found[model] = list
            }
        }
        var groups: [DeploymentGroup] = []
        if problem.objective == .maxRate {
            var choices: [Int: BaselineSupport.Choice] = [:]
            for (model, list) in found {
                if let best = Self.bestPerGPU(list) {
                    choices[model] = BaselineSupport.Choice(pattern: best.pattern, ratePerReplica: best.estimate.requestsPerSecond)
                }
            }
            groups += BaselineSupport.filledGroups(problem, choices: choices, notes: &notes)
        } else {
            var free = problem.fleet.map(\.nodeCapacities)
            for (model, list) in found.sorted(by: { $0.key < $1.key }) {
                let demand = problem.models[model]
                let (group, note) = targetLoad(problem, demand: demand, candidates: list, free: &free)
                if let group { groups.append(group) }
                if let note { notes.append(note) }
            }
        }
        let scale = BaselineSupport.scale(problem, groups: groups)
        var plan = PlanAssembly(problem: problem).plan(name: name, groups: groups, scale: scale, notes: notes)
        plan.planningSeconds = watch.seconds
        return plan
    }

    /// The point of highest tokens/s/GPU (ties: fewer GPUs, then the earlier pool).
    static func bestPerGPU(_ list: [Candidate]) -> Candidate? {
        list.max { a, b in
            (a.estimate.tokensPerGPU, -a.pattern.gpus, -a.pattern.pool) < (b.estimate.tokensPerGPU, -b.pattern.gpus, -b.pattern.pool)
        }
    }

    /// Target-load sizing of one model: the fewest GPUs (or dollars) covering its demand on what
    /// is left of the fleet, else the best point capped to its pool.
    func targetLoad(
        _ problem: DeployProblem, demand: ModelDemand, candidates list: [Candidate], free: inout [[Int]]
    ) -> (DeploymentGroup?, String?) {
        let load = demand.workload.arrivalRate
        func replicas(_ c: Candidate) -> Int { max(1, Int((load / c.estimate.requestsPerSecond).rounded(.up))) }
        func fits(_ c: Candidate, _ count: Int) -> Bool {
            var trial = free[c.pattern.pool]
            for _ in 0..<count {
                guard BaselineSupport.place(c.pattern.layout, in: &trial) else { return false }
            }
            return true
        }
        let priced = problem.objective == .minCost && list.allSatisfy { problem.fleet[$0.pattern.pool].pricePerHour != nil }
        func key(_ c: Candidate) -> (Double, Double) {
            let gpus = Double(replicas(c) * c.pattern.gpus)
            let price = priced ? (problem.fleet[c.pattern.pool].pricePerHour ?? 0) * gpus : gpus
            return (price, -c.estimate.tokensPerGPU)
        }
        if let best = list.filter({ fits($0, replicas($0)) }).min(by: { key($0) < key($1) }) {
            let count = replicas(best)
            for _ in 0..<count { _ = BaselineSupport.place(best.pattern.layout, in: &free[best.pattern.pool]) }
            return (BaselineSupport.group(problem, best.pattern, count: count, capacity: best.estimate.requestsPerSecond), nil)
        }
        guard let best = Self.bestPerGPU(list) else { return (nil, nil) }
        var count = 0
        while BaselineSupport.place(best.pattern.layout, in: &free[best.pattern.pool]) { count += 1 }
        let gpu = problem.fleet[best.pattern.pool].gpu.name
        let missing = (replicas(best) - count) * best.pattern.gpus
        let note = "fleet too small: \(demand.name) needs \(missing) more \(gpu) for TP\(best.pattern.layout.tensorParallel) × \(replicas(best))"
        let group = count > 0 ? BaselineSupport.group(problem, best.pattern, count: count, capacity: best.estimate.requestsPerSecond) : nil
        return (group, note)
    }

    /// The engine limits its generator launches a worker modelled at batch `b` with
    /// (`generator/rule_plugin/vllm.rule`): `--max-num-seqs` 512, or 2b from b = 512 on, and
    /// `--max-num-batched-tokens` = that + ISL + 1500.
    static func launchLimits(batch b: Int, isl: Int) -> (maxBatch: Int, chunkTokens: Int) {
        let maxBatch = b < 512 ? 512 : 2 * b
        return (maxBatch, maxBatch + isl + 1500)
    }

    /// Every (TP, batch, context tokens) point of `model` on `pool` that fits and meets the SLO,
    /// the best per (TP, batch) kept (highest `seq/s`, as its per-config `sort_values`).
    func candidates(_ problem: DeployProblem, model: Int, pool: Int) -> [Candidate] {
        let demand = problem.models[model]
        let fleet = problem.fleet[pool]
        let sample = demand.workload.lengthSample(count: BaselineSupport.sampleSize)
        let count = Double(max(1, sample.count))
        let isl = max(1, Int((Double(sample.reduce(0) { $0 + $1.prompt }) / count).rounded()))
        let osl = max(1, Int((Double(sample.reduce(0) { $0 + $1.output }) / count).rounded()))
        let grid = AIConfiguratorEstimate.contextTokenGrid(isl: isl)
        var found: [Candidate] = []
        for tp in Self.tensorParallelDegrees where tp <= fleet.gpusPerNode && tp <= fleet.count {
            let layout = ParallelLayout(tensorParallel: tp)
            guard let base = BaselineSupport.pattern(problem, model: model, pool: pool, layout: layout) else { continue }
            for b in AIConfiguratorEstimate.batchSchedule {
                let limits = Self.launchLimits(batch: b, isl: isl)
                guard let pattern = BaselineSupport.pattern(
                    problem, model: model, pool: pool, layout: layout, maxBatch: limits.maxBatch, chunkTokens: limits.chunkTokens),
                      b * (isl + osl) <= pattern.kvCapacityTokens
                else { break }
                var best: AIConfiguratorEstimate?
                for ctx in grid {
                    guard let point = AIConfiguratorEstimate.estimate(
                        roofline: base.roofline, layers: demand.model.layers, gpus: tp, isl: isl, osl: osl, batch: b, contextTokens: ctx)
                    else { break }
                    guard point.ttft <= demand.slo.ttftSeconds, point.tpot <= demand.slo.tpotSeconds else { continue }
                    if best.map({ point.requestsPerSecond > $0.requestsPerSecond }) ?? true { best = point }
                }
                if let best { found.append(Candidate(pattern: pattern, estimate: best)) }
            }
        }
        return found
    }
}
