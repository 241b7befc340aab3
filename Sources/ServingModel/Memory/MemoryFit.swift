/// Per-GPU memory accounting of one replica: weights, reserved space, and what is left for the KV cache.
///
/// Assumptions (documented, as in vLLM): weights split evenly over the TP × PP GPUs; only
/// `memoryUtilization` of each GPU's memory may be used (vLLM's `gpu_memory_utilization`,
/// default 0.9); `reservedBytes` per GPU are kept for activations, CUDA graphs and the
/// communication library. KV heads are split over TP ranks, or replicated when TP exceeds the
/// KV head count; an MLA latent cache is replicated on every TP rank. Each PP stage caches its
/// own layers' keys and values for every token in flight.
public struct MemoryFit: Sendable, Hashable {
    /// Weight bytes on each GPU.
    public var weightBytesPerGPU: Double
    /// Bytes usable on each GPU after the utilisation cap and the reserve.
    public var usableBytesPerGPU: Double
    /// KV-cache bytes one token takes on each GPU.
    public var kvBytesPerTokenPerGPU: Double
    /// Tokens of KV cache the replica can hold (0 when the weights do not fit).
    public var kvCapacityTokens: Int

    /// True when the weights fit with room for at least one token of cache.
    public var fits: Bool { kvCapacityTokens > 0 }

    /// Default share of GPU memory the engine may use (vLLM's default).
    public static let defaultMemoryUtilization = 0.9
    /// Default per-GPU reserve for activations, CUDA graphs and NCCL buffers (bytes).
    public static let defaultReservedBytes = 2e9

    /// Computes the fit of `model` on `gpu` with `layout`.
    public init(
        model: ModelSpec, gpu: GPUSpec, layout: ParallelLayout,
        memoryUtilization: Double = MemoryFit.defaultMemoryUtilization,
        reservedBytes: Double = MemoryFit.defaultReservedBytes
    ) {
        let gpus = Double(layout.gpuCount)
        weightBytesPerGPU = model.parameterBytes / gpus
        usableBytesPerGPU = gpu.memoryBytes * memoryUtilization - reservedBytes
        let layersPerStage = (Double(model.layers) / Double(layout.pipelineParallel)).rounded(.up)
        let elementsPerLayer: Double
        switch model.attention {
        case .groupedQuery:
            let headsPerRank = max(1, Double(model.kvHeads) / Double(layout.tensorParallel)).rounded(.up)
            elementsPerLayer = 2 * headsPerRank * Double(model.headDim)
        case let .multiHeadLatent(rank, rope):
            elementsPerLayer = Double(rank + rope)
        }
        kvBytesPerTokenPerGPU = layersPerStage * elementsPerLayer * model.kvBytesPerElement
        let free = usableBytesPerGPU - weightBytesPerGPU
        kvCapacityTokens = free > 0 ? Int((free / kvBytesPerTokenPerGPU).rounded(.down)) : 0
    }

    /// A one-line explanation with the numbers, for a layout that does not fit.
    public func shortfall(model: ModelSpec, gpu: GPUSpec, layout: ParallelLayout) -> String? {
        guard !fits else { return nil }
        return "\(model.name) on \(layout.gpuCount)×\(gpu.name) (\(layout)) does not fit: "
            + "weights need \(Self.gigabytes(weightBytesPerGPU)) GB per GPU, only "
            + "\(Self.gigabytes(usableBytesPerGPU)) GB usable per GPU"
    }

    static func gigabytes(_ bytes: Double) -> String {
        let value = (bytes / 1e9 * 10).rounded() / 10
        return value == value.rounded() ? String(Int(value)) : String(value)
    }
}
