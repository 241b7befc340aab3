import Planning
import ServingModel

/// A deployment method `plan deploy` is compared with: the same `DeployProblem` in, a
/// `DeployPlan` out (assembled by `PlanAssembly`, so it is reported and simulated like the plan).
///
/// Each baseline fills `capacityPerReplica` of its groups with its own method's estimate, sets
/// `planningSeconds`, and says in `notes` what demand it cannot serve.
/// ```
/// for baseline: any DeployBaseline in [AIConfiguratorBaseline(), MelangeBaseline(), RuleOfThumbBaseline()] {
///     let plan = try baseline.plan(problem)
///     print(baseline.name, plan.costPerHour ?? 0, plan.totalGPUs, plan.notes)
/// }
/// ```
public protocol DeployBaseline: Sendable {
    /// The plan's `name`: `aiconfigurator`, `melange` or `rule-of-thumb`.
    var name: String { get }
    /// The baseline's deployment of `problem`; throws `badInput` for a problem no method could read.
    func plan(_ problem: DeployProblem) throws(PlanningError) -> DeployPlan
}

/// What the three baselines share: input checks, the replica of a layout under given engine limits,
/// the workload profile, and the one-GPU-type-per-model fill of a fleet under max-rate.
enum BaselineSupport {
    /// Requests drawn from each workload for the capacity model's profile.
    static let sampleSize = 2000

    /// One line naming the first field a baseline cannot work with.
    static func validate(_ problem: DeployProblem) throws(PlanningError) {
        guard !problem.models.isEmpty else { throw .badInput("models: at least one model is required") }
        guard !problem.fleet.isEmpty else { throw .badInput("fleet: at least one GPU pool is required") }
        for (index, pool) in problem.fleet.enumerated() {
            guard pool.count >= 1 else { throw .badInput("fleet[\(index)].count: must be at least 1 (got \(pool.count))") }
            guard pool.gpusPerNode >= 1 else {
                throw .badInput("fleet[\(index)].gpusPerNode: must be at least 1 (got \(pool.gpusPerNode))")
            }
            if let price = pool.pricePerHour, !(price.isFinite && price >= 0) {
                throw .badInput("fleet[\(index)].pricePerHour: must be a non-negative number (got \(price))")
            }
        }
        for (index, demand) in problem.models.enumerated() {
            let rate = demand.workload.arrivalRate
            guard rate.isFinite, rate > 0 else {
                throw .badInput("models[\(index)].workload: the arrival rate must be positive (got \(rate))")
            }
        }
    }

    /// The workload profile the capacity model reads for `demand`.
    static func profile(_ demand: ModelDemand) -> WorkloadProfile {
        WorkloadProfile(demand.workload.lengthSample(count: sampleSize))
    }

    /// The smallest layout (fewest GPUs, then lowest TP) of `model` on `pool` that fits in memory:
    /// single-node TP when one fits, PP otherwise (`PatternEnumerator.layouts`).
    static func minimalLayout(_ problem: DeployProblem, model: Int, pool: Int) -> ParallelLayout? {
        PatternEnumerator(problem: problem).layouts(model: model, pool: pool).min {
            ($0.gpuCount, $0.tensorParallel) < ($1.gpuCount, $1.tensorParallel)
        }
    }

    /// An aggregated replica of `model` on `pool` with `layout` and the engine limits `maxBatch`
    /// and `chunkTokens` (nil: `vllm serve`'s defaults for the GPU); nil when it does not fit.
    static func pattern(
        _ problem: DeployProblem, model: Int, pool: Int, layout: ParallelLayout, maxBatch: Int? = nil, chunkTokens: Int? = nil
    ) -> ReplicaPattern? {
        let spec = problem.models[model].model
        let gpu = problem.fleet[pool].gpu
        let defaults = VLLMMemoryProfile.defaultLimits(for: gpu)
        let batch = maxBatch ?? defaults.maxNumSeqs
        let chunk = chunkTokens ?? defaults.maxBatchedTokens
        let utilization = problem.settings.memoryUtilization
        let fit = MemoryFit(
            model: spec, gpu: gpu, layout: layout, memoryUtilization: utilization, maxNumSeqs: batch, maxBatchedTokens: chunk)
        guard layout.shapeProblem(for: spec) == nil, fit.fits else { return nil }
        let kvBytes = MemoryFit(model: spec, gpu: gpu, layout: ParallelLayout(), reservedBytes: 0).kvBytesPerTokenPerGPU
        return ReplicaPattern(
            model: model, pool: pool, layout: layout, role: .aggregated, maxBatch: batch, chunkTokens: chunk,
            memoryUtilization: utilization, kvCapacityTokens: fit.kvCapacityTokens, kvBytesPerToken: kvBytes,
            roofline: RooflineModel(model: spec, gpu: gpu, layout: layout))
    }

    /// The group of `count` replicas of `pattern`, each carrying `capacity` requests per second.
    static func group(_ problem: DeployProblem, _ pattern: ReplicaPattern, count: Int, capacity: Double) -> DeploymentGroup {
        DeploymentGroup(
            model: problem.models[pattern.model].name, gpu: problem.fleet[pattern.pool].gpu.name,
            tp: pattern.layout.tensorParallel, pp: pattern.layout.pipelineParallel, role: .aggregated, count: count,
            maxBatch: pattern.maxBatch, chunkTokens: pattern.chunkTokens, memoryUtilization: pattern.memoryUtilization,
            kvCapacityTokens: pattern.kvCapacityTokens, capacityPerReplica: capacity)
    }

    /// One model's choice under a one-type-per-model method: its replica and the requests per
    /// second one replica carries by the method's estimate.
    struct Choice {
        var pattern: ReplicaPattern
        var ratePerReplica: Double
    }

    /// Under max-rate: each chosen model's replicas filling its pool (`fill`), the notes on the
    /// pools left idle, and the groups, model by model.
    static func filledGroups(_ problem: DeployProblem, choices: [Int: Choice], notes: inout [String]) -> [DeploymentGroup] {
        let counts = fill(problem, choices: choices)
        notes += idlePools(problem, choices: choices)
        return choices.sorted(by: { $0.key < $1.key }).map { model, choice in
            group(problem, choice.pattern, count: counts[model] ?? 0, capacity: choice.ratePerReplica)
        }
    }

    /// Fills the fleet under max-rate: every model keeps its chosen GPU type, and replicas are
    /// added one at a time to the model whose rate relative to its demand (`Σ replicas × rate /
    /// demand`) is lowest among those whose next replica still fits a node of its pool, until none
    /// fits. With one model this copies the replica ⌊usable GPUs / GPUs per replica⌋ times; with
    /// several it splits each pool in proportion to the models' demands in GPUs.
    static func fill(_ problem: DeployProblem, choices: [Int: Choice]) -> [Int: Int] {
        var slots = problem.fleet.map(\.nodeCapacities)
        var counts = choices.mapValues { _ in 0 }
        var open = Set(choices.keys)
        while !open.isEmpty {
            let ranked = open.sorted { a, b in
                let sa = Double(counts[a] ?? 0) * (choices[a]?.ratePerReplica ?? 0) / problem.models[a].workload.arrivalRate
                let sb = Double(counts[b] ?? 0) * (choices[b]?.ratePerReplica ?? 0) / problem.models[b].workload.arrivalRate
                return (sa, a) < (sb, b)
            }
            guard let model = ranked.first, let choice = choices[model] else { break }
            if place(choice.pattern.layout, in: &slots[choice.pattern.pool]) {
                counts[model, default: 0] += 1
            } else {
                open.remove(model)
            }
        }
        return counts
    }

    /// Under max-rate, a note for each pool no model's chosen type uses (one GPU type per model).
    static func idlePools(_ problem: DeployProblem, choices: [Int: Choice]) -> [String] {
        let used = Set(choices.values.map(\.pattern.pool))
        return problem.fleet.indices.filter { !used.contains($0) }.map {
            "\(problem.fleet[$0].gpu.name): left idle (one GPU type per model)"
        }
    }

    /// Takes one replica of `layout` (PP stages of TP GPUs, each stage within a node) from the
    /// nodes' free GPUs, first fit; false (nothing taken) when it does not fit.
    static func place(_ layout: ParallelLayout, in free: inout [Int]) -> Bool {
        var trial = free
        for _ in 0..<layout.pipelineParallel {
            guard let node = trial.firstIndex(where: { $0 >= layout.tensorParallel }) else { return false }
            trial[node] -= layout.tensorParallel
        }
        free = trial
        return true
    }

    /// Under max-rate, the common scale of the demands of the models the groups serve (a model
    /// left without replicas has a note instead), from the groups' capacities times `headroom`;
    /// 0 when no model is served, 1 under the other objectives.
    static func scale(_ problem: DeployProblem, groups: [DeploymentGroup], headroom: Double = 1) -> Double {
        guard problem.objective == .maxRate else { return 1 }
        let scales = problem.models.map { demand in
            PlanAssembly.plannedRate(groups.filter { $0.model == demand.name }) / demand.workload.arrivalRate
        }
        return headroom * (scales.filter { $0 > 0 }.min() ?? 0)
    }
}
