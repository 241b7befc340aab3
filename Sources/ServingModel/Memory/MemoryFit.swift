/// Per-GPU memory accounting of one replica as vLLM does it: weights, the start-up profile, and what
/// is left for the KV cache.
///
/// vLLM's rule (`Worker.determine_available_memory`, `vllm/v1/worker/gpu_worker.py`): the KV cache
/// on each GPU gets
///
///     gpu_memory_utilization × total memory − weights − activation peak − non-torch memory
///
/// - total memory: what the driver reports (`GPUSpec.memoryBytes`, e.g. 81,559 MiB on an H100 SXM);
/// - `gpu_memory_utilization`: `memoryUtilization`, default 0.9 (vLLM's `CacheConfig` default);
/// - weights: the parameter bytes split evenly over the TP × PP GPUs;
/// - activation peak and non-torch memory (NCCL, custom all-reduce, cuBLAS): as vLLM's profile run
///   finds them, modelled by `VLLMMemoryProfile` from the model's shape and the scheduler limits
///   `maxNumSeqs` and `maxBatchedTokens` (default: `vllm serve`'s, 1,024 and 8,192 on an H100 or
///   H200, 256 and 2,048 on an A100 or L40S);
/// - CUDA graphs: not subtracted, as in vLLM (captured after the cache is allocated, in the
///   `1 − gpu_memory_utilization` headroom).
/// `reservedBytes`, when given, replaces the activation peak and non-torch terms by one figure.
/// The cache is allocated in blocks of `blockSize` tokens (vLLM's CUDA default). KV heads are split
/// over TP ranks, or replicated when TP exceeds the KV head count; an MLA latent cache is
/// replicated on every TP rank. Each PP stage caches its own layers' keys and values for every
/// token in flight.
public struct MemoryFit: Sendable, Hashable {
    /// Weight bytes on each GPU.
    public var weightBytesPerGPU: Double
    /// Activation peak plus non-torch bytes on each GPU (or the caller's `reservedBytes`).
    public var reservedBytesPerGPU: Double
    /// Bytes usable for weights and KV cache on each GPU: the utilisation cap minus the reserve.
    public var usableBytesPerGPU: Double
    /// KV-cache bytes one token takes on each GPU.
    public var kvBytesPerTokenPerGPU: Double
    /// Tokens of KV cache the replica can hold, whole blocks only (0 when the weights do not fit).
    public var kvCapacityTokens: Int

    /// True when the weights fit with room for at least one block of cache.
    public var fits: Bool { kvCapacityTokens > 0 }

    /// Default share of GPU memory the engine may use (vLLM's `gpu_memory_utilization` default).
    public static let defaultMemoryUtilization = 0.9
    /// Tokens per KV-cache block (vLLM's default block size on CUDA).
    public static let blockSize = 16
    /// Capacities are capped here so that absurd inputs cannot overflow an `Int` (2^50 tokens).
    static let maximumTokens = 1_125_899_906_842_624.0

    /// Computes the fit of `model` on `gpu` with `layout`. `maxNumSeqs` and `maxBatchedTokens` are
    /// the engine's scheduler limits (vLLM's `max_num_seqs` and `max_num_batched_tokens`; nil:
    /// `vllm serve`'s defaults for `gpu`); they size the activation peak.
    public init(
        model: ModelSpec, gpu: GPUSpec, layout: ParallelLayout,
        memoryUtilization: Double = MemoryFit.defaultMemoryUtilization,
        maxNumSeqs: Int? = nil, maxBatchedTokens: Int? = nil,
        reservedBytes: Double? = nil
    ) {
        weightBytesPerGPU = model.parameterBytes / Double(max(1, layout.gpuCount))
        if let reservedBytes {
            reservedBytesPerGPU = reservedBytes
        } else {
            let profile = VLLMMemoryProfile(
                model: model, gpu: gpu, layout: layout, maxNumSeqs: maxNumSeqs, maxBatchedTokens: maxBatchedTokens)
            reservedBytesPerGPU = profile.activationPeakBytes + profile.nonTorchBytes
        }
        usableBytesPerGPU = gpu.memoryBytes * memoryUtilization - reservedBytesPerGPU
        kvBytesPerTokenPerGPU = Self.kvBytesPerToken(model: model, layout: layout)
        let blockBytes = kvBytesPerTokenPerGPU * Double(Self.blockSize)
        let blocks = ((usableBytesPerGPU - weightBytesPerGPU) / blockBytes).rounded(.down)
        kvCapacityTokens = blocks.isFinite && blocks > 0
            ? Int(min(blocks * Double(Self.blockSize), Self.maximumTokens)) : 0
    }

    /// KV-cache bytes one token takes on one GPU of `layout`.
    static func kvBytesPerToken(model: ModelSpec, layout: ParallelLayout) -> Double {
        let layersPerStage = (Double(model.layers) / Double(max(1, layout.pipelineParallel))).rounded(.up)
        let elementsPerLayer: Double
        switch model.attention {
        case .groupedQuery:
            let headsPerRank = max(1, Double(model.kvHeads) / Double(max(1, layout.tensorParallel))).rounded(.up)
            elementsPerLayer = 2 * headsPerRank * Double(model.headDim)
        case let .multiHeadLatent(rank, rope):
            elementsPerLayer = Double(rank) + Double(rope)
        }
        return layersPerStage * elementsPerLayer * model.kvBytesPerElement
    }

    /// A one-line explanation with the numbers, for a layout that does not fit.
    public func shortfall(model: ModelSpec, gpu: GPUSpec, layout: ParallelLayout) -> String? {
        guard !fits else { return nil }
        return "\(model.name) on \(layout.gpuCount)×\(gpu.name) (\(layout)) does not fit: "
            + "weights need \(Self.gibibytes(weightBytesPerGPU)) GiB per GPU, only "
            + "\(Self.gibibytes(usableBytesPerGPU)) GiB usable per GPU"
    }

    /// Bytes in GiB with at most one decimal ("65.8", "70").
    static func gibibytes(_ bytes: Double) -> String {
        let value = (bytes / VLLMMemoryProfile.gibibyte * 10).rounded() / 10
        guard value.isFinite, abs(value) < 1e15 else { return "\(value)" }
        return value == value.rounded() ? String(Int(value)) : String(value)
    }
}
