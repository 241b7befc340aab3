import ServingModel

/// One serving replica: its iteration-time model and the engine limits of its scheduler.
public struct ReplicaConfiguration: Sendable {
    /// A label for reports, e.g. `H100-80GB TP2 #3`.
    public var name: String
    /// Index of the replica group it came from in the scenario (for per-group reports).
    public var group: Int
    /// Seconds per iteration for a batch on this replica.
    public var iterationModel: any IterationTimeModel
    /// Maximum concurrent streams (B), prefilling ones included.
    public var batchSize: Int
    /// Maximum prompt tokens of the one prefill chunk per iteration (C).
    public var chunkSize: Int
    /// KV-cache capacity in tokens.
    public var kvCapacityTokens: Int

    /// Creates a replica configuration.
    public init(
        name: String, group: Int = 0, iterationModel: any IterationTimeModel, batchSize: Int, chunkSize: Int,
        kvCapacityTokens: Int
    ) {
        self.name = name
        self.group = group
        self.iterationModel = iterationModel
        self.batchSize = batchSize
        self.chunkSize = chunkSize
        self.kvCapacityTokens = kvCapacityTokens
    }
}
