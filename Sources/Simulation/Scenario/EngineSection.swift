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

    static let keys = [
        "batchSize", "chunkSize", "alpha", "beta", "gamma", "calibration", "memoryUtilization", "kvCapacityTokens",
    ]

    /// Reads the section; a calibration file path is resolved against `baseDirectory`.
    static func read(_ node: ConfigNode, baseDirectory: String) -> EngineSection? {
        guard let object = node.object(allowedKeys: keys) else { return nil }
        let batchSize = object.require("batchSize")?.integer(min: 1)
        let chunkSize = object.require("chunkSize")?.integer(min: 1)
        let utilization = object["memoryUtilization"].map { $0.number(.range(0.05...1)) } ?? MemoryFit.defaultMemoryUtilization
        // nil: from the memory model; .some(nil): given but invalid (already reported).
        let kvCapacity: Int?? = object["kvCapacityTokens"].map { $0.integer(min: 1) }
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
            let alpha = object.require("alpha")?.number(.positive)
            let beta = object.require("beta")?.number(.positive)
            let gamma = object.require("gamma")?.number(.positive)
            source = nil
            if let alpha, let beta, let gamma {
                do {
                    source = .fitted(try FittedIterationLaw.validated(alpha: alpha, beta: beta, gamma: gamma))
                } catch {
                    object.report(error.message)
                }
            }
        }
        guard let batchSize, let chunkSize, let utilization, let source else { return nil }
        if case .some(.none) = kvCapacity { return nil }
        return EngineSection(
            batchSize: batchSize, chunkSize: chunkSize, timeSource: source, memoryUtilization: utilization,
            kvCapacityTokens: kvCapacity ?? nil)
    }
}
