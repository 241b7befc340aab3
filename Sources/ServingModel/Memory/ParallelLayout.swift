/// How one replica of a model is split over GPUs: tensor parallel within a stage, pipeline
/// parallel across stages. Data parallelism is expressed as a count of replicas elsewhere.
public struct ParallelLayout: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Tensor-parallel degree (GPUs sharing each layer).
    public var tensorParallel: Int
    /// Pipeline-parallel degree (stages of consecutive layers).
    public var pipelineParallel: Int

    /// Creates a layout; both degrees must be at least 1.
    public init(tensorParallel: Int = 1, pipelineParallel: Int = 1) {
        self.tensorParallel = tensorParallel
        self.pipelineParallel = pipelineParallel
    }

    /// GPUs per replica (TP × PP), saturating at `Int.max` instead of overflowing.
    public var gpuCount: Int {
        let (product, overflow) = tensorParallel.multipliedReportingOverflow(by: pipelineParallel)
        return overflow ? Int.max : product
    }

    /// `TP2·PP1` style.
    public var description: String { "TP\(tensorParallel)·PP\(pipelineParallel)" }

    /// Why this layout cannot split `model`, or nil when it can: TP must divide the attention heads
    /// and the KV heads must divide evenly among TP ranks or be replicated across them (vLLM's
    /// rule); PP cannot exceed the layer count.
    public func shapeProblem(for model: ModelSpec) -> String? {
        if tensorParallel < 1 || pipelineParallel < 1 {
            return "TP and PP must be at least 1, got TP\(tensorParallel) PP\(pipelineParallel)"
        }
        if model.attentionHeads % tensorParallel != 0 {
            return "TP\(tensorParallel) does not divide \(model.name)'s \(model.attentionHeads) attention heads"
        }
        if case .groupedQuery = model.attention, model.kvHeads < 1
            || model.kvHeads % tensorParallel != 0 && tensorParallel % model.kvHeads != 0 {
            return "TP\(tensorParallel) neither divides nor is a multiple of \(model.name)'s \(model.kvHeads) KV heads"
        }
        if pipelineParallel > model.layers {
            return "PP\(pipelineParallel) exceeds \(model.name)'s \(model.layers) layers"
        }
        return nil
    }
}
