import ServingModel

/// A scenario kind the CLI understands: the top-level keys it accepts and a reader that checks
/// the body, reports problems to the envelope's diagnostics and returns a one-line summary.
struct ScenarioKindSpec: Sendable {
    var name: String
    var keys: [String]
    var summarize: @Sendable (ScenarioEnvelope) -> String
}

/// Every scenario kind `validate` (and the verbs that run scenarios) accept. Each planner adds its own.
enum ScenarioKinds {
    static let all: [ScenarioKindSpec] = [catalog]

    /// Top-level keys per kind, as `ScenarioEnvelope.read` takes them.
    static var keysByKind: [String: [String]] {
        Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0.keys) })
    }

    static func spec(named name: String) -> ScenarioKindSpec? { all.first { $0.name == name } }

    /// Loads and fully validates a scenario file; throws `ScenarioError` with every problem.
    static func load(path: String) throws -> (envelope: ScenarioEnvelope, summary: String) {
        let envelope = try ScenarioEnvelope.read(path: path, kinds: keysByKind)
        let summary = spec(named: envelope.kind)!.summarize(envelope)
        try envelope.diagnostics.throwIfAny()
        return (envelope, summary)
    }

    /// `kind: catalog`: a file that only defines GPUs and models, for `catalog --scenario` and for
    /// checking hardware definitions before using them in other scenarios.
    static let catalog = ScenarioKindSpec(name: "catalog", keys: []) { envelope in
        let builtin = Catalog.builtin
        let newGPUs = envelope.catalog.gpus.filter { builtin.gpu(named: $0.name) == nil }.count
        let newModels = envelope.catalog.models.filter { builtin.model(named: $0.name) == nil }.count
        return "catalog with \(envelope.catalog.gpus.count) GPUs (\(newGPUs) new) and "
            + "\(envelope.catalog.models.count) models (\(newModels) new)"
    }
}
