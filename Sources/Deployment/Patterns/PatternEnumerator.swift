import ServingModel

/// Every replica pattern of a model worth considering: each GPU type × TP (within a node, where
/// the heads split) × PP (only where no single-node layout fits) × role (the problem's modes) ×
/// engine limits, kept when it fits in memory under vLLM's rule (`MemoryFit`) with those limits.
///
/// Prefill replicas take each token budget with the smallest batch cap; decode replicas each
/// batch cap with the smallest budget that holds one token per stream.
/// ```
/// let patterns = PatternEnumerator(problem: problem).patterns(model: 0)
/// ```
public struct PatternEnumerator: Sendable {
    public var problem: DeployProblem

    public init(problem: DeployProblem) {
        self.problem = problem
    }

    /// The roles the problem's modes allow.
    public var roles: [ServingRole] {
        var roles: [ServingRole] = []
        if problem.modes.contains(.aggregated) { roles.append(.aggregated) }
        if problem.modes.contains(.disaggregated) { roles += [.prefill, .decode] }
        return roles
    }

    /// The layouts of `model` on pool `pool` that split the model's shape: TP within a node, and
    /// PP > 1 only when no single-node layout fits the weights.
    public func layouts(model: Int, pool: Int) -> [ParallelLayout] {
        let spec = problem.models[model].model
        let fleet = problem.fleet[pool]
        let settings = problem.settings
        let tps = settings.tensorParallel.filter { $0 <= fleet.gpusPerNode && $0 <= fleet.count }
        func fits(_ layout: ParallelLayout) -> Bool {
            guard layout.shapeProblem(for: spec) == nil, layout.gpuCount <= fleet.count else { return false }
            return MemoryFit(model: spec, gpu: fleet.gpu, layout: layout, memoryUtilization: settings.memoryUtilization).fits
        }
        let single = tps.map { ParallelLayout(tensorParallel: $0) }.filter(fits)
        if !single.isEmpty { return single }
        return settings.pipelineParallel.filter { $0 > 1 }.flatMap { pp in
            tps.map { ParallelLayout(tensorParallel: $0, pipelineParallel: pp) }
        }.filter(fits)
    }

    /// Every pattern of `model` over every pool.
    public func patterns(model: Int) -> [ReplicaPattern] {
        problem.fleet.indices.flatMap { patterns(model: model, pool: $0) }
    }

    /// Every pattern of `model` on pool `pool`.
    public func patterns(model: Int, pool: Int) -> [ReplicaPattern] {
        let spec = problem.models[model].model
        let gpu = problem.fleet[pool].gpu
        let settings = problem.settings
        let batches = settings.maxBatches.sorted()
        let chunks = settings.chunkTokens.sorted()
        guard let smallestBatch = batches.first, let smallestChunk = chunks.first else { return [] }
        var found: [ReplicaPattern] = []
        for layout in layouts(model: model, pool: pool) {
            let roofline = RooflineModel(model: spec, gpu: gpu, layout: layout)
            let kvBytes = MemoryFit(model: spec, gpu: gpu, layout: ParallelLayout(), reservedBytes: 0).kvBytesPerTokenPerGPU
            for role in roles {
                let limits: [(batch: Int, chunk: Int)]
                switch role {
                case .aggregated: limits = batches.flatMap { b in chunks.filter { $0 >= b }.map { (b, $0) } }
                case .prefill: limits = chunks.map { (smallestBatch, $0) }
                case .decode: limits = batches.map { b in (b, chunks.first { $0 >= b } ?? max(b, smallestChunk)) }
                }
                for (batch, chunk) in limits {
                    let fit = MemoryFit(
                        model: spec, gpu: gpu, layout: layout, memoryUtilization: settings.memoryUtilization,
                        maxNumSeqs: batch, maxBatchedTokens: chunk)
                    guard fit.fits else { continue }
                    found.append(ReplicaPattern(
                        model: model, pool: pool, layout: layout, role: role, maxBatch: batch, chunkTokens: chunk,
                        memoryUtilization: settings.memoryUtilization, kvCapacityTokens: fit.kvCapacityTokens,
                        kvBytesPerToken: kvBytes, roofline: roofline))
                }
            }
        }
        return found
    }
}
