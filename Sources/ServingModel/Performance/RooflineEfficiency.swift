/// How far real kernels fall short of a GPU's datasheet peaks, as used by `RooflineModel`.
///
/// One operation call on one GPU takes
///
///     compute  = (gemmFLOPs / gemmCompute
///                 + (attentionFLOPs + attentionQueryOverheadKeys × attentionQueryUnitFLOPs) / attentionCompute)
///                / bf16FLOPS
///     memory   = ((memoryBytes + decodeStreamOverheadTokens × decodeStreamUnitBytes) / memoryBandwidth
///                 + elementwiseBytes / elementwiseBandwidth) / HBM bandwidth
///     seconds  = max(compute, memory) + ridgeBlend × min(compute, memory)
///                + kernels × kernelOverheadSeconds + attentionCalls × attentionOverheadSeconds
///                + collectives × collectiveLatencySeconds + linkBytes / (link bandwidth × interconnect)
///
/// (the terms of `OperationWork`). With `ridgeBlend` 0 this is the textbook roofline.
///
/// `default` holds the least-squares fit to measured kernel times; see its documentation.
public struct RooflineEfficiency: Sendable, Hashable, Codable {
    /// Fraction of the dense bf16 tensor-core peak that matrix multiplications reach.
    public var gemmCompute: Double
    /// Fraction of the dense bf16 peak that the attention kernel reaches on the causal score and
    /// value products (FlashAttention).
    public var attentionCompute: Double
    /// Fixed attention work per query token, in keys: each query row costs as much as attending to
    /// this many extra keys (causal diagonal tiles computed in full, per-tile prologue and epilogue).
    /// Dominates short prompts; negligible for long ones.
    public var attentionQueryOverheadKeys: Double
    /// Fraction of HBM bandwidth reached when streaming weights, activations and the KV cache.
    public var memoryBandwidth: Double
    /// Fixed KV traffic per decode stream, in tokens: a decode stream costs as much as if its
    /// context were this many tokens longer (per-stream work split, page-table reads).
    public var decodeStreamOverheadTokens: Double
    /// Fraction of HBM bandwidth reached by element-wise kernels (norms, rotary embedding,
    /// activation, residual adds).
    public var elementwiseBandwidth: Double
    /// Fraction of the shorter of compute and memory time that is not hidden behind the longer one
    /// (0: perfect overlap, the textbook roofline; 1: no overlap). Kernels near the ridge point
    /// are slower than the plain maximum predicts.
    public var ridgeBlend: Double
    /// Fixed seconds per matmul or element-wise kernel (launch, prologue, tail).
    public var kernelOverheadSeconds: Double
    /// Fixed seconds per attention call of one layer (KV-cache write kernel, attention kernel,
    /// scheduling metadata).
    public var attentionOverheadSeconds: Double
    /// Fixed seconds per collective (all-reduce) or point-to-point transfer: the latency term.
    public var collectiveLatencySeconds: Double
    /// Fraction of the link's one-way bandwidth that collectives and transfers reach.
    public var interconnect: Double

    /// Creates a set of efficiency factors; fractions must lie in (0, 1] for a physical roofline
    /// (a fit may return slightly more than 1 where a datasheet understates the hardware).
    public init(
        gemmCompute: Double, attentionCompute: Double, attentionQueryOverheadKeys: Double,
        memoryBandwidth: Double, decodeStreamOverheadTokens: Double, elementwiseBandwidth: Double,
        ridgeBlend: Double, kernelOverheadSeconds: Double, attentionOverheadSeconds: Double,
        collectiveLatencySeconds: Double, interconnect: Double
    ) {
        self.gemmCompute = gemmCompute
        self.attentionCompute = attentionCompute
        self.attentionQueryOverheadKeys = attentionQueryOverheadKeys
        self.memoryBandwidth = memoryBandwidth
        self.decodeStreamOverheadTokens = decodeStreamOverheadTokens
        self.elementwiseBandwidth = elementwiseBandwidth
        self.ridgeBlend = ridgeBlend
        self.kernelOverheadSeconds = kernelOverheadSeconds
        self.attentionOverheadSeconds = attentionOverheadSeconds
        self.collectiveLatencySeconds = collectiveLatencySeconds
        self.interconnect = interconnect
    }

    /// The datasheet roofline: every fraction 1, no fixed costs, no ridge blend. A lower bound on
    /// any real kernel's time; the physics tests use it.
    public static let ideal = RooflineEfficiency(
        gemmCompute: 1, attentionCompute: 1, attentionQueryOverheadKeys: 0, memoryBandwidth: 1,
        decodeStreamOverheadTokens: 0, elementwiseBandwidth: 1, ridgeBlend: 0, kernelOverheadSeconds: 0,
        attentionOverheadSeconds: 0, collectiveLatencySeconds: 0, interconnect: 1
    )

    /// Factors fitted by least squares on relative error (`RooflineFit`) to measured kernel times:
    ///
    /// - Llama-3-8B per-operation times on A100 (Vidur, `profiles/vidur-a100-llama3-8b/mlp.csv`):
    ///   QKV, output, MLP up and down projections and the element-wise ops, 1–4,096 tokens, TP 1–4;
    /// - H200 bf16 GEMMs of the catalog models' projection shapes at TP 1–8 (aiconfigurator,
    ///   `gemm_vllm_0.24.0_gemm_perf.csv`), 1–4,096 rows;
    /// - H200 FlashAttention-3 prefill and decode attention for the catalog models' per-GPU head
    ///   shapes (`attention_vllm_0.24.0_{context,generation}_attention_perf.csv`, bf16 KV cache);
    /// - H200 vLLM custom all-reduce under CUDA graphs, 8 KB–64 MB, 2–8 GPUs
    ///   (`comm_vllm_0.24.0_custom_allreduce_perf.csv`).
    ///
    /// Each data set is restricted to its serving-relevant shapes (`MeasuredOperation.servingRelevant`).
    /// The values are the fit rounded to three digits. Reproduce with
    /// `RooflineValidation.run(dataDirectory: "data").fitted` (the fit starts from `.ideal`);
    /// the test `fittedFactorsMatchDefault` in `Tests/ServingModelTests/RooflineTests.swift` checks
    /// that it still returns these values, and `defaultEfficiencyKeepsServingShapesWithin25PercentAtP90`
    /// prints the error table (`swift test --skip-build --filter Roofline`).
    public static let `default` = RooflineEfficiency(
        gemmCompute: 0.779, attentionCompute: 0.691, attentionQueryOverheadKeys: 434, memoryBandwidth: 0.860,
        decodeStreamOverheadTokens: 157, elementwiseBandwidth: 0.514, ridgeBlend: 0.35, kernelOverheadSeconds: 3.43e-6,
        attentionOverheadSeconds: 11.67e-6, collectiveLatencySeconds: 5.06e-6, interconnect: 0.649
    )
}
