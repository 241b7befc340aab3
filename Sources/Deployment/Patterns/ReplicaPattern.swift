import ServingModel

/// One way to run a replica of a model: GPU type, TP × PP layout, role and engine limits, with
/// the KV cache it then holds under vLLM's memory rule.
/// ```
/// let patterns = PatternEnumerator(problem: problem).patterns(model: 0)
/// print(patterns[0].gpus, patterns[0].kvCapacityTokens)
/// ```
public struct ReplicaPattern: Sendable {
    /// Index of the model in the problem's `models`.
    public var model: Int
    /// Index of the GPU type in the problem's `fleet`.
    public var pool: Int
    public var layout: ParallelLayout
    public var role: ServingRole
    public var maxBatch: Int
    public var chunkTokens: Int
    public var memoryUtilization: Double
    public var kvCapacityTokens: Int
    /// KV-cache bytes of one token of the whole model (what a transfer of one token carries).
    public var kvBytesPerToken: Double
    /// Iteration times of the replica.
    public var roofline: RooflineModel

    /// GPUs of one replica.
    public var gpus: Int { layout.gpuCount }
    /// The GPUs that must share a node (one pipeline stage's TP group).
    public var nodeItemSize: Int { layout.tensorParallel }

    public init(
        model: Int, pool: Int, layout: ParallelLayout, role: ServingRole, maxBatch: Int, chunkTokens: Int,
        memoryUtilization: Double, kvCapacityTokens: Int, kvBytesPerToken: Double, roofline: RooflineModel
    ) {
        self.model = model
        self.pool = pool
        self.layout = layout
        self.role = role
        self.maxBatch = maxBatch
        self.chunkTokens = chunkTokens
        self.memoryUtilization = memoryUtilization
        self.kvCapacityTokens = kvCapacityTokens
        self.kvBytesPerToken = kvBytesPerToken
        self.roofline = roofline
    }

    /// A short label, e.g. `H100-80GB TP2 PP1 aggregated b128 c8192`.
    public func label(gpuName: String) -> String {
        "\(gpuName) TP\(layout.tensorParallel) PP\(layout.pipelineParallel) \(role.rawValue) b\(maxBatch) c\(chunkTokens)"
    }
}
