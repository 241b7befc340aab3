/// The non-KV memory vLLM's start-up profile finds on each GPU of a replica, besides the weights.
///
/// vLLM (`Worker.determine_available_memory` in `vllm/v1/worker/gpu_worker.py`, with
/// `memory_profiling` in `vllm/utils/mem_utils.py`) runs one dummy forward pass of
/// `max_num_batched_tokens` tokens, then one dummy sampler pass over `min(max_num_seqs,
/// max_num_batched_tokens)` sequences, and measures
/// - the **activation peak**: the rise of PyTorch's peak allocated bytes during that run, and
/// - the **non-torch memory**: CUDA memory not held by PyTorch's allocator (NCCL and custom
///   all-reduce buffers, cuBLAS workspaces) gained since the engine started.
/// The KV cache then gets `gpu_memory_utilization × total − weights − activation peak − non-torch`.
/// CUDA graphs are captured after the KV cache is allocated and are not subtracted: they live in the
/// `1 − gpu_memory_utilization` headroom (vLLM logs −0.9 to +1.0 GiB for them on H100).
///
/// The activation peak is modelled from the model's shape (GPUSched cannot run the profile):
/// `max(sampler, forward) + kept`, where
/// - `sampler = samplerBytesPerLogit × sequences × vocabulary`: the dummy sampler's logits in bf16
///   and fp32, the sort values and int64 indices of top-k/top-p, softmax, cumulative sum and
///   log-probabilities of every vocabulary entry of every sequence;
/// - `forward = tokens × 3 × (intermediate width / TP) × 2 bytes`: the MLP's gate-up output and
///   its activation, the largest transient of one layer (for MoE the routed plus shared experts'
///   width per token, when wider);
/// - `kept = keptBytesPerHiddenElement × tokens × hidden size`: the dummy run's hidden states, still
///   held while the sampler runs.
/// The two constants are fitted to vLLM 0.11's own profile logs on H100 (llm-d-benchmark,
/// `config_explorer/empirical-vllm-memory-results.md`, `vllm serve` defaults, 1,024 sequences and
/// 8,192 tokens): activation peak 4.76 GiB for Llama-3.1-8B, 4.84 for Llama-3.3-70B TP2, 5.56 for
/// Qwen3-0.6B and 5.64 for Qwen3-32B, all four within 0.01 GiB of the model; gpt-oss-20b (MoE,
/// vocabulary 201,088, not fitted) is predicted at 7.39 GiB against 7.38 measured. The forward
/// term never dominates there; it matters only with few sequences.
public struct VLLMMemoryProfile: Sendable, Hashable {
    /// Sequences the dummy sampler pass covers (vLLM's `max_num_seqs`, capped by the token budget).
    public var maxNumSeqs: Int
    /// Tokens of the dummy forward pass (vLLM's `max_num_batched_tokens`).
    public var maxBatchedTokens: Int
    /// Peak activation bytes on one GPU.
    public var activationPeakBytes: Double
    /// Non-torch bytes on one GPU (NCCL, custom all-reduce, cuBLAS).
    public var nonTorchBytes: Double

    /// Bytes the dummy sampler holds per (sequence × vocabulary entry), fitted (see the type's notes).
    public static let samplerBytesPerLogit = 38.25
    /// Bytes kept per (token × hidden element) of the dummy forward pass while the sampler runs:
    /// the bf16 hidden states and about 28% more, fitted (see the type's notes).
    public static let keptBytesPerHiddenElement = 2.56
    /// Bytes per activation element (bf16, whatever the weight precision).
    public static let activationBytesPerElement = 2.0
    /// Non-torch memory on a single GPU: 0.13 GiB in every TP1 profile of the logs above.
    public static let singleGPUNonTorchBytes = 0.13 * gibibyte
    /// Non-torch memory on a GPU with peers (TP or PP above 1): 0.54–0.55 GiB in the TP2 profiles
    /// of the logs above (NCCL and custom all-reduce buffers). No TP4/TP8 profile was found;
    /// aiconfigurator's NCCL table grows by only 49 MiB from TP2 to TP4 and TP8.
    public static let multiGPUNonTorchBytes = 0.55 * gibibyte
    /// vLLM's `max_num_seqs` and `max_num_batched_tokens` defaults for `vllm serve` on a GPU with at
    /// least 70 GiB that is not an A100 (`EngineArgs.get_batch_defaults`, `vllm/engine/arg_utils.py`).
    public static let largeGPUDefaults = (maxNumSeqs: 1024, maxBatchedTokens: 8192)
    /// The same defaults on other GPUs (vLLM keeps A100s here: larger batches lowered their throughput).
    public static let otherGPUDefaults = (maxNumSeqs: 256, maxBatchedTokens: 2048)

    static let gibibyte = 1_073_741_824.0

    /// `vllm serve`'s default scheduler limits on `gpu`.
    public static func defaultLimits(for gpu: GPUSpec) -> (maxNumSeqs: Int, maxBatchedTokens: Int) {
        gpu.memoryBytes >= 70 * gibibyte && !gpu.name.lowercased().contains("a100") ? largeGPUDefaults : otherGPUDefaults
    }

    /// Models the profile of `model` split by `layout` on `gpu`; nil limits take vLLM's defaults for `gpu`.
    public init(model: ModelSpec, gpu: GPUSpec, layout: ParallelLayout, maxNumSeqs: Int? = nil, maxBatchedTokens: Int? = nil) {
        let defaults = Self.defaultLimits(for: gpu)
        self.maxNumSeqs = max(1, maxNumSeqs ?? defaults.maxNumSeqs)
        self.maxBatchedTokens = max(1, maxBatchedTokens ?? defaults.maxBatchedTokens)
        let tokens = Double(self.maxBatchedTokens)
        let sequences = Double(min(self.maxNumSeqs, self.maxBatchedTokens))
        let sampler = Self.samplerBytesPerLogit * sequences * Double(model.vocabSize)
        let forward = tokens * 3 * Self.intermediateWidth(of: model) / Double(max(1, layout.tensorParallel))
            * Self.activationBytesPerElement
        let kept = Self.keptBytesPerHiddenElement * tokens * Double(model.hiddenSize)
        activationPeakBytes = max(sampler, forward) + kept
        nonTorchBytes = layout.gpuCount > 1 ? Self.multiGPUNonTorchBytes : Self.singleGPUNonTorchBytes
    }

    /// The MLP width one token passes through: the dense intermediate size, or for MoE the routed
    /// and shared experts' widths together when wider.
    static func intermediateWidth(of model: ModelSpec) -> Double {
        guard let moe = model.moe else { return Double(model.intermediateSize) }
        let experts = (Double(moe.expertsPerToken) + Double(moe.sharedExperts)) * Double(moe.expertIntermediateSize)
        return max(Double(model.intermediateSize), experts)
    }
}
