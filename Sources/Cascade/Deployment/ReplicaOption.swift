import ServingModel

/// One way to lay out a replica of a model: its TP × PP layout, KV capacity and iteration times.
public struct ReplicaOption: Sendable {
    /// TP and PP degrees.
    public var layout: ParallelLayout
    /// KV-cache tokens the replica holds.
    public var kvCapacityTokens: Int
    /// Iteration times of the replica.
    public var roofline: RooflineModel

    /// GPUs per replica.
    public var gpus: Int { layout.gpuCount }

    /// Every layout of `model` that fits in memory with at most `maxGPUs` GPUs: TP from 1 to
    /// `gpusPerNode` (a TP group stays inside a node) wherever it splits the heads, PP in 1, 2, 4, 8.
    /// Ordered by GPU count, then TP descending.
    public static func enumerate(model: ModelSpec, engine: CascadeEngine, maxGPUs: Int) -> [ReplicaOption] {
        var options: [ReplicaOption] = []
        for tp in 1...max(1, engine.gpusPerNode) {
            for pp in [1, 2, 4, 8] where tp * pp <= maxGPUs {
                let layout = ParallelLayout(tensorParallel: tp, pipelineParallel: pp)
                guard layout.shapeProblem(for: model) == nil else { continue }
                let fit = MemoryFit(
                    model: model, gpu: engine.gpu, layout: layout, memoryUtilization: engine.memoryUtilization,
                    maxNumSeqs: engine.batchSize, maxBatchedTokens: engine.chunkSize)
                guard fit.fits else { continue }
                options.append(ReplicaOption(
                    layout: layout, kvCapacityTokens: fit.kvCapacityTokens,
                    roofline: RooflineModel(model: model, gpu: engine.gpu, layout: layout)))
            }
        }
        return options.sorted {
            $0.gpus != $1.gpus ? $0.gpus < $1.gpus : $0.layout.tensorParallel > $1.layout.tensorParallel
        }
    }
}
