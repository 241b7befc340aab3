/// What one call of one operation does on one GPU, split by the resource that limits it.
///
/// `RooflineEfficiency.seconds(for:on:)` turns it into time. Keeping work and efficiency apart
/// makes the time linear in the reciprocal efficiencies, which is what lets `RooflineFit` fit them
/// by ordinary least squares.
public struct OperationWork: Sendable, Hashable {
    /// Tensor-core FLOPs of matrix multiplications (projections, MLP, experts, LM head).
    public var gemmFLOPs: Double = 0
    /// FLOPs of the attention score and value products.
    public var attentionFLOPs: Double = 0
    /// FLOPs of attending to one extra key for every query token: the unit in which
    /// `RooflineEfficiency.attentionQueryOverheadKeys` is charged (prefill attention only).
    public var attentionQueryUnitFLOPs: Double = 0
    /// Bytes that matmuls and attention stream through HBM: weights, activations, KV cache.
    public var memoryBytes: Double = 0
    /// KV bytes of one token for every decode stream: the unit in which
    /// `RooflineEfficiency.decodeStreamOverheadTokens` is charged.
    public var decodeStreamUnitBytes: Double = 0
    /// Bytes that element-wise kernels read and write.
    public var elementwiseBytes: Double = 0
    /// Matmul or element-wise kernel launches.
    public var kernels: Double = 0
    /// Attention calls (one per layer and iteration).
    public var attentionCalls: Double = 0
    /// Collectives or point-to-point transfers.
    public var collectives: Double = 0
    /// Bytes each GPU sends over its link (for a ring all-reduce, 2(n−1)/n × the message).
    public var linkBytes: Double = 0
    /// One-way bandwidth of the link used, bytes/s (0 when nothing is sent).
    public var linkBandwidth: Double = 0
    /// Seconds measured outside the roofline's terms (a checkpoint's `ExpertKernelCost`), added as is.
    public var addedSeconds: Double = 0

    /// Creates an empty piece of work; set the members that apply.
    public init() {}
}

extension RooflineEfficiency {
    /// Seconds the tensor cores need for `work` on `gpu` at these efficiencies.
    public func computeSeconds(for work: OperationWork, on gpu: GPUSpec) -> Double {
        let attention = work.attentionFLOPs + attentionQueryOverheadKeys * work.attentionQueryUnitFLOPs
        return (work.gemmFLOPs / gemmCompute + attention / attentionCompute) / gpu.bf16FLOPS
    }

    /// Seconds HBM needs for `work` on `gpu` at these efficiencies.
    public func memorySeconds(for work: OperationWork, on gpu: GPUSpec) -> Double {
        let streamed = work.memoryBytes + decodeStreamOverheadTokens * work.decodeStreamUnitBytes
        return (streamed / memoryBandwidth + work.elementwiseBytes / elementwiseBandwidth) / gpu.memoryBandwidth
    }

    /// Seconds for one call of `work` on `gpu`: the roofline of compute and memory time, blended
    /// near the ridge by `ridgeBlend`, plus the fixed per-kernel, per-attention and per-collective
    /// costs and the link time.
    public func seconds(for work: OperationWork, on gpu: GPUSpec) -> Double {
        let compute = computeSeconds(for: work, on: gpu)
        let memory = memorySeconds(for: work, on: gpu)
        let fixed = work.kernels * kernelOverheadSeconds + work.attentionCalls * attentionOverheadSeconds
            + work.collectives * collectiveLatencySeconds + work.addedSeconds
        let link = work.linkBytes > 0 ? work.linkBytes / (work.linkBandwidth * interconnect) : 0
        return max(compute, memory) + ridgeBlend * min(compute, memory) + fixed + link
    }
}

/// `RooflineEfficiency.seconds(for:on:)` with its divisions by efficiencies and GPU peaks done
/// once, for the simulator's hot loop (one `RooflineModel` iteration evaluates about a dozen
/// operations). Agrees with `seconds(for:on:)` to rounding (≈1e-15 relative).
struct ResolvedRoofline: Sendable, Hashable {
    private let secondsPerGEMMFLOP: Double
    private let secondsPerAttentionFLOP: Double
    private let attentionQueryOverheadKeys: Double
    private let secondsPerStreamedByte: Double
    private let decodeStreamOverheadTokens: Double
    private let secondsPerElementwiseByte: Double
    private let ridgeBlend: Double
    private let kernelOverheadSeconds: Double
    private let attentionOverheadSeconds: Double
    private let collectiveLatencySeconds: Double
    private let interconnect: Double

    init(_ efficiency: RooflineEfficiency, gpu: GPUSpec) {
        secondsPerGEMMFLOP = 1 / (efficiency.gemmCompute * gpu.bf16FLOPS)
        secondsPerAttentionFLOP = 1 / (efficiency.attentionCompute * gpu.bf16FLOPS)
        attentionQueryOverheadKeys = efficiency.attentionQueryOverheadKeys
        secondsPerStreamedByte = 1 / (efficiency.memoryBandwidth * gpu.memoryBandwidth)
        decodeStreamOverheadTokens = efficiency.decodeStreamOverheadTokens
        secondsPerElementwiseByte = 1 / (efficiency.elementwiseBandwidth * gpu.memoryBandwidth)
        ridgeBlend = efficiency.ridgeBlend
        kernelOverheadSeconds = efficiency.kernelOverheadSeconds
        attentionOverheadSeconds = efficiency.attentionOverheadSeconds
        collectiveLatencySeconds = efficiency.collectiveLatencySeconds
        interconnect = efficiency.interconnect
    }

    @inline(__always)
    func seconds(_ work: OperationWork) -> Double {
        let attention = work.attentionFLOPs + attentionQueryOverheadKeys * work.attentionQueryUnitFLOPs
        let compute = work.gemmFLOPs * secondsPerGEMMFLOP + attention * secondsPerAttentionFLOP
        let streamed = work.memoryBytes + decodeStreamOverheadTokens * work.decodeStreamUnitBytes
        let memory = streamed * secondsPerStreamedByte + work.elementwiseBytes * secondsPerElementwiseByte
        let fixed = work.kernels * kernelOverheadSeconds + work.attentionCalls * attentionOverheadSeconds
            + work.collectives * collectiveLatencySeconds + work.addedSeconds
        let link = work.linkBytes > 0 ? work.linkBytes / (work.linkBandwidth * interconnect) : 0
        return max(compute, memory) + ridgeBlend * min(compute, memory) + fixed + link
    }
}
