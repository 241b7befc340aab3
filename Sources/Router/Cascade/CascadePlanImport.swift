import ServingModel

/// Imports a `gpusched plan cascade --json` output (kind `plan-cascade`): the stages' models in
/// cascade order and the acceptance threshold of every stage but the last (`plan.thresholds`).
/// Trailing stages the plan gives no GPUs are dropped (no request reaches them: the stage before
/// accepts every answer), so the serve config needs pools only for the stages in use.
///
/// ```swift
/// // gpusched plan cascade examples/cascade-deepseek.yaml --json > plan.json
/// let stages = try CascadePlanImport.stages(planFile: "plan.json")
/// stages.map(\.threshold)   // [80, 0]: the 7B's answers scoring 80 or more are kept
/// ```
public enum CascadePlanImport {
    public static let kind = "plan-cascade"

    /// The plan's stages with their thresholds; the last stage's threshold is 0 (never used).
    public static func stages(planFile path: String) throws -> [CascadeStage] {
        try stages(plan: ConfigParser.parseFile(at: path))
    }

    /// The stages of a parsed plan document; a `ScenarioError` with key paths when it is not one.
    public static func stages(plan value: ConfigValue) throws(ScenarioError) -> [CascadeStage] {
        let diagnostics = ScenarioDiagnostics()
        let root = ConfigNode(value: value, diagnostics: diagnostics)
        guard let object = PlanDocument.object(root) else { throw diagnostics.failure() }
        if let kind = object.require("kind")?.string(), kind != Self.kind {
            object.report(key: "kind", "expected a '\(Self.kind)' plan (gpusched plan cascade --json), got '\(kind)'")
            throw diagnostics.failure()
        }
        guard let plan = object.require("plan").flatMap(PlanDocument.object),
              let items = plan.require("stages")?.list(nonEmpty: true),
              let thresholdItems = plan.require("thresholds")?.list() else { throw diagnostics.failure() }
        var models: [(model: String, gpus: Int?)] = []
        for item in items {
            guard let entry = PlanDocument.object(item), let model = entry.require("model")?.string() else { continue }
            models.append((model, entry["gpus"]?.integer(min: 0)))
        }
        let thresholds = thresholdItems.compactMap { $0.number() }
        guard diagnostics.issues.isEmpty else { throw diagnostics.failure() }
        guard thresholds.count == models.count - 1 else {
            plan.report(key: "thresholds", "must have one threshold per stage but the last (\(models.count - 1)), got \(thresholds.count)")
            throw diagnostics.failure()
        }
        var used = models.count
        while used > 1, models[used - 1].gpus == 0 { used -= 1 }
        return (0..<used).map { k in CascadeStage(model: models[k].model, threshold: k < used - 1 ? thresholds[k] : 0) }
    }
}

/// Reading stored plans: a mapping whatever its keys (a plan carries many an import does not read).
enum PlanDocument {
    static func object(_ node: ConfigNode) -> ConfigObject? {
        guard case let .object(entries) = node.value else {
            node.report("must be a mapping of keys to values, got \(node.value.typeName)")
            return nil
        }
        return node.object(allowedKeys: entries.map(\.key))
    }
}
