import ServingModel

/// The `engine:` keys of the replica scheduler: `scheduler` (a `BatchingRule` name, default
/// `vllm-v1`), `blockSize` (tokens per KV block, default 16, vLLM's and Vidur's) and `watermark`
/// (fraction of the blocks kept free on admission, default 0.01, vLLM V0's and Vidur's).
///
/// ```yaml
/// engine: {batchSize: 128, chunkSize: 4096, scheduler: vllm-v0, blockSize: 16, watermark: 0.01}
/// ```
struct SchedulerSettings: Sendable, Hashable {
    var rule: BatchingRule
    var blockSize: Int
    var watermark: Double

    static let keys = ["scheduler", "blockSize", "watermark"]
    static let defaultRule = BatchingRule.vllmV1
    static let defaultBlockSize = 16
    static let defaultWatermark = 0.01
    /// Largest KV block, in tokens.
    static let maxBlockSize = 1024

    /// Reads the keys from the `engine:` object; `batchSize` and `chunkSize` (nil when invalid,
    /// already reported) are checked against the rule. A key left out is `base`'s (a replica
    /// group's `engine:` inheriting the scenario's), else the default. Nil after reporting.
    static func read(_ object: ConfigObject, batchSize: Int?, chunkSize: Int?, inheriting base: SchedulerSettings? = nil) -> SchedulerSettings? {
        let rule = object["scheduler"].map { node in
            node.choice(BatchingRule.allCases.map(\.rawValue)).flatMap(BatchingRule.init(rawValue:))
        } ?? base?.rule ?? defaultRule
        let blockSize = object["blockSize"].map { $0.integer(min: 1, max: maxBlockSize) } ?? base?.blockSize ?? defaultBlockSize
        var watermark = object["watermark"].map { $0.number(.fraction) } ?? base?.watermark ?? defaultWatermark
        if let value = watermark, value >= 1, let node = object["watermark"] {
            node.report("must be below 1 (the fraction of KV blocks kept free on admission), got \(ConfigNode.format(value))")
            watermark = nil
        }
        guard let rule, let blockSize, let watermark else { return nil }
        if rule == .vllmV1, let batchSize, let chunkSize, chunkSize < batchSize {
            object.report(key: "chunkSize",
                "vllm-v1 needs chunkSize >= batchSize (every running request gets a token each iteration; vLLM refuses "
                    + "max_num_batched_tokens < max_num_seqs), got \(chunkSize) < \(batchSize)")
            return nil
        }
        return SchedulerSettings(rule: rule, blockSize: blockSize, watermark: watermark)
    }
}
