/// The parts every scenario file shares: `kind`, an optional `description`, and an optional
/// inline `catalog` that extends or overrides the built-in GPUs and models. The rest of the
/// file belongs to the kind's own reader.
public struct ScenarioEnvelope: Sendable {
    /// Keys accepted in every scenario.
    public static let commonKeys = ["kind", "description", "catalog"]

    /// The scenario kind, e.g. `simulate`.
    public var kind: String
    /// The built-in catalog merged with the file's inline entries.
    public var catalog: Catalog
    /// The top-level mapping, for the kind's reader.
    public var body: ConfigObject
    /// Collects every problem; call `throwIfAny()` after the kind's reader ran.
    public var diagnostics: ScenarioDiagnostics
    /// The work the command may start; readers that size work (topologies, request lists) check it.
    public var limits: WorkLimits = .default

    /// Reads a scenario file's envelope.
    /// - Parameter kinds: for each known kind, the top-level keys it accepts besides `commonKeys`.
    /// - Throws: `ScenarioError` when the file is missing or malformed, or the envelope itself is wrong
    ///   (further problems are collected in `diagnostics`).
    public static func read(path: String, kinds: [String: [String]], limits: WorkLimits = .default) throws -> ScenarioEnvelope {
        var envelope = try read(value: ConfigParser.parseFile(at: path), kinds: kinds)
        envelope.limits = limits
        return envelope
    }

    /// Reads an already parsed document.
    public static func read(value: ConfigValue, kinds: [String: [String]]) throws -> ScenarioEnvelope {
        let diagnostics = ScenarioDiagnostics()
        let root = ConfigNode(value: value, diagnostics: diagnostics)
        guard case let .object(entries) = value else {
            throw ScenarioError(path: "", "a scenario must be a mapping with a 'kind' key, got \(value.typeName)")
        }
        let kindNames = kinds.keys.sorted()
        var kind: String?
        if let kindEntry = entries.first(where: { $0.key == "kind" }) {
            kind = ConfigNode(value: kindEntry.value, path: "kind", diagnostics: diagnostics).choice(kindNames)
        } else {
            diagnostics.report("kind", "missing required key; expected one of: " + kindNames.joined(separator: ", "))
        }
        guard let kind, let kindKeys = kinds[kind] else { throw ScenarioError(issues: diagnostics.issues) }
        guard let body = root.object(allowedKeys: commonKeys + kindKeys) else { throw ScenarioError(issues: diagnostics.issues) }
        _ = body["description"]?.string()
        let catalog = body["catalog"].map { CatalogSection.read($0) } ?? .builtin
        return ScenarioEnvelope(kind: kind, catalog: catalog, body: body, diagnostics: diagnostics)
    }
}
