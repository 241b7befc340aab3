import ServingModel

/// Engine limits and hardware shared by every replica of the cascade.
public struct CascadeEngine: Sendable, Hashable {
    /// GPU type of the pool.
    public var gpu: GPUSpec
    /// GPUs per node: a TP group never spans nodes (TP ≤ this); pipelines may.
    public var gpusPerNode: Int
    /// Maximum concurrent streams per replica (B).
    public var batchSize: Int
    /// Maximum prompt tokens of the one prefill chunk per iteration (C).
    public var chunkSize: Int
    /// Share of each GPU's memory the engine may use.
    public var memoryUtilization: Double

    /// Default batch size, chunk size (tokens).
    public static let defaultBatchSize = 128
    public static let defaultChunkSize = 512

    /// Creates the engine description.
    public init(
        gpu: GPUSpec, gpusPerNode: Int, batchSize: Int = CascadeEngine.defaultBatchSize,
        chunkSize: Int = CascadeEngine.defaultChunkSize, memoryUtilization: Double = MemoryFit.defaultMemoryUtilization
    ) {
        self.gpu = gpu
        self.gpusPerNode = gpusPerNode
        self.batchSize = batchSize
        self.chunkSize = chunkSize
        self.memoryUtilization = memoryUtilization
    }
}
