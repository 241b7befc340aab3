import ServingModel

/// The `engine:` section: scheduler limits and where iteration times come from.
struct EngineSection: Sendable {
    enum TimeSource: Sendable {
        /// The roofline model from the catalog shapes.
        case roofline
        /// A fitted law, given inline or by a calibration.
        case fitted(FittedIterationLaw)
    }

    var batchSize: Int
    var chunkSize: Int
    var timeSource: TimeSource
    var memoryUtilization: Double
    var kvCapacityTokens: Int?
    var scheduling: SchedulerSettings
    /// Measured tables, all-reduce and host overhead (`CostModelSection`).
    var costs: CostModelSection

    static let keys = [
        "batchSize", "chunkSize", "alpha", "beta", "gamma", "calibration", "memoryUtilization", "kvCapacityTokens",
    ] + SchedulerSettings.keys + CostModelSection.keys

    /// Largest batch size B (concurrent streams per replica) a scenario may ask for.
    static let maxBatchSize = 65_536
    /// Largest prefill chunk C, in tokens.
    static let maxChunkSize = 10_000_000
    /// Largest KV-cache capacity, in tokens, a scenario may set by hand.
    static let maxKVCapacityTokens = 1_000_000_000_000

    /// The keys that say where iteration times come from: a group's `engine:` that names one of them
    /// replaces the scenario's cost settings as a whole rather than key by key.
    static let costKeys = ["alpha", "beta", "gamma", "calibration"] + CostModelSection.keys

    /// Reads the section; a calibration file path is resolved against `baseDirectory`. Nil after
    /// reporting every problem.
    ///
    /// With `base` (the scenario's `engine:`), `node` is a replica group's own `engine:`: every key
    /// it leaves out is the scenario's, except that naming any of `costKeys` sets the costs anew
    /// (roofline unless it says otherwise):
    /// ```yaml
    /// engine: {batchSize: 64, chunkSize: 2048}                       # the scenario's
    /// replicas:
    ///   - {gpu: H200-141GB, tp: 1, count: 4, role: prefill, engine: {batchSize: 8, chunkSize: 8192}}
    ///   - {gpu: H200-141GB, tp: 4, count: 1, role: decode, engine: {scheduler: vllm-v0, batchSize: 256, chunkSize: 8192}}
    /// ```
    static func read(_ node: ConfigNode, baseDirectory: String, inheriting base: EngineSection? = nil) -> EngineSection? {
        guard let object = node.object(allowedKeys: keys) else { return nil }
        func limit(_ key: String, max: Int, inherited: Int?) -> Int? {
            if let inherited, !object.has(key) { return inherited }
            return object.require(key)?.integer(min: 1, max: max)
        }
        let batchSize = limit("batchSize", max: maxBatchSize, inherited: base?.batchSize)
        let chunkSize = limit("chunkSize", max: maxChunkSize, inherited: base?.chunkSize)
        let utilization = object["memoryUtilization"].map { $0.number(.range(0.05...1)) }
            ?? base?.memoryUtilization ?? MemoryFit.defaultMemoryUtilization
        // nil: from the memory model; .some(nil): given but invalid (already reported).
        let kvCapacity: Int?? = object["kvCapacityTokens"].map { $0.integer(min: 1, max: maxKVCapacityTokens) }
            ?? base?.kvCapacityTokens.map { .some($0) }
        let scheduling = SchedulerSettings.read(object, batchSize: batchSize, chunkSize: chunkSize, inheriting: base?.scheduling)
        if let base, !costKeys.contains(where: object.has) {
            guard let batchSize, let chunkSize, let utilization, let scheduling else { return nil }
            if case .some(.none) = kvCapacity { return nil }
            return EngineSection(
                batchSize: batchSize, chunkSize: chunkSize, timeSource: base.timeSource, memoryUtilization: utilization,
                kvCapacityTokens: kvCapacity ?? nil, scheduling: scheduling, costs: base.costs)
        }
        var source: TimeSource? = .roofline
        let lawKeys = ["alpha", "beta", "gamma"].filter(object.has)
        if let calibrationNode = object["calibration"] {
            if !lawKeys.isEmpty {
                object.report("give either calibration or alpha/beta/gamma, not both")
                source = nil
            } else {
                source = nil
                if let reference = calibrationNode.string() {
                    do {
                        source = .fitted(try Calibration.resolve(reference, relativeTo: baseDirectory).law)
                    } catch {
                        calibrationNode.report(error.message)
                    }
                }
            }
        } else if !lawKeys.isEmpty {
            source = LawKeys.read(object).map { .fitted($0) }
        }
        let costs = CostModelSection.read(object, baseDirectory: baseDirectory)
        guard let batchSize, let chunkSize, let utilization, let source, let scheduling, let costs else { return nil }
        if case .some(.none) = kvCapacity { return nil }
        return EngineSection(
            batchSize: batchSize, chunkSize: chunkSize, timeSource: source, memoryUtilization: utilization,
            kvCapacityTokens: kvCapacity ?? nil, scheduling: scheduling, costs: costs)
    }
}
