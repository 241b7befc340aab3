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

    /// Reads the section; a calibration file path is resolved against `baseDirectory`. Nil after
    /// reporting every problem.
    static func read(_ node: ConfigNode, baseDirectory: String) -> EngineSection? {
        guard let object = node.object(allowedKeys: keys) else { return nil }
        let batchSize = object.require("batchSize")?.integer(min: 1, max: maxBatchSize)
        let chunkSize = object.require("chunkSize")?.integer(min: 1, max: maxChunkSize)
        let utilization = object["memoryUtilization"].map { $0.number(.range(0.05...1)) } ?? MemoryFit.defaultMemoryUtilization
        // nil: from the memory model; .some(nil): given but invalid (already reported).
        let kvCapacity: Int?? = object["kvCapacityTokens"].map { $0.integer(min: 1, max: maxKVCapacityTokens) }
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
        let scheduling = SchedulerSettings.read(object, batchSize: batchSize, chunkSize: chunkSize)
        let costs = CostModelSection.read(object, baseDirectory: baseDirectory)
        guard let batchSize, let chunkSize, let utilization, let source, let scheduling, let costs else { return nil }
        if case .some(.none) = kvCapacity { return nil }
        return EngineSection(
            batchSize: batchSize, chunkSize: chunkSize, timeSource: source, memoryUtilization: utilization,
            kvCapacityTokens: kvCapacity ?? nil, scheduling: scheduling, costs: costs)
    }
}
