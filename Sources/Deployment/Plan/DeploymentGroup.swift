import Planning

/// One replica group of a deployment: `count` identical replicas of one model on one GPU type.
///
/// This is what `export deploy` turns into launch commands and manifests, so it carries every
/// engine setting the plan assumed.
/// ```
/// let group = DeploymentGroup(model: "llama-3.1-8b", gpu: "H100-80GB", tp: 1, pp: 1, role: .aggregated,
///                             count: 8, maxBatch: 128, chunkTokens: 8192)
/// print(group.gpus)   // 8
/// ```
public struct DeploymentGroup: Sendable, Hashable, Codable {
    /// The model's catalog name.
    public var model: String
    /// The GPU type's catalog name.
    public var gpu: String
    /// Tensor-parallel degree (within one node).
    public var tp: Int
    /// Pipeline-parallel degree (stages may sit on different nodes).
    public var pp: Int
    /// Aggregated, prefill or decode.
    public var role: ServingRole
    /// Replicas in the group.
    public var count: Int
    /// The engine's batch cap (vLLM `--max-num-seqs`, SGLang `--max-running-requests`).
    public var maxBatch: Int
    /// Tokens per iteration (vLLM `--max-num-batched-tokens`, SGLang `--chunked-prefill-size`).
    public var chunkTokens: Int
    /// Share of GPU memory the engine may use (vLLM `--gpu-memory-utilization`, SGLang `--mem-fraction-static`).
    public var memoryUtilization: Double
    /// KV-cache tokens one replica holds under that memory rule.
    public var kvCapacityTokens: Int
    /// Requests per second one replica of the group carries at the SLO (the capacity model's figure).
    public var capacityPerReplica: Double
    /// Node indices (within the GPU type's pool, from 0) the group's replicas occupy.
    public var nodes: [Int]
    /// Dollars per hour for the group's GPUs (null when the fleet gives no price).
    @Nullable public var costPerHour: Double?

    /// GPUs of one replica.
    public var gpusPerReplica: Int { tp * pp }
    /// GPUs of the whole group.
    public var gpus: Int { gpusPerReplica * count }

    public init(
        model: String, gpu: String, tp: Int, pp: Int, role: ServingRole, count: Int, maxBatch: Int, chunkTokens: Int,
        memoryUtilization: Double = 0.9, kvCapacityTokens: Int = 0, capacityPerReplica: Double = 0, nodes: [Int] = [],
        costPerHour: Double? = nil
    ) {
        self.model = model
        self.gpu = gpu
        self.tp = tp
        self.pp = pp
        self.role = role
        self.count = count
        self.maxBatch = maxBatch
        self.chunkTokens = chunkTokens
        self.memoryUtilization = memoryUtilization
        self.kvCapacityTokens = kvCapacityTokens
        self.capacityPerReplica = capacityPerReplica
        self.nodes = nodes
        self.costPerHour = costPerHour
    }
}
