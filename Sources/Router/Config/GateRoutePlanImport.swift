import Foundation
import ServingModel

/// Imports the targets of a `gpusched plan gate-route --json` output (kind `plan-gate-route`): per
/// class, x_i* (`plan.classes[].prefillOccupancy`) and q_{p,i}* (`plan.classes[].prefillQueue`).
/// The plan says nothing of prompt lengths, so imported classes have no `maxPromptTokens`: clients
/// name the class in the class header, or the serve config's `classes:` adds the bounds.
///
/// ```swift
/// // gpusched plan gate-route examples/gate-route.yaml --no-evaluate --json > plan.json
/// let settings = try GateRoutePlanImport.settings(planFile: "plan.json")
/// settings.classes.map(\.occupancyTarget)   // [0.01826, 0.19495]
/// ```
public enum GateRoutePlanImport {
    /// The plan's kind.
    public static let kind = "plan-gate-route"

    /// Settings with the plan's classes and the defaults of every other field.
    public static func settings(planFile path: String) throws -> GateRouteSettings {
        GateRouteSettings(classes: try classes(planFile: path))
    }

    /// The plan's classes with their targets; a `ScenarioError` with key paths when the file is not a
    /// gate-route plan.
    public static func classes(planFile path: String) throws -> [GateRouteClassSettings] {
        try classes(plan: ConfigParser.parseFile(at: path))
    }

    /// The classes of a parsed plan document.
    public static func classes(plan value: ConfigValue) throws(ScenarioError) -> [GateRouteClassSettings] {
        let diagnostics = ScenarioDiagnostics()
        let root = ConfigNode(value: value, diagnostics: diagnostics)
        guard let object = PlanDocument.object(root) else { throw diagnostics.failure() }
        if let kind = object.require("kind")?.string(), kind != Self.kind {
            object.report(key: "kind", "expected a '\(Self.kind)' plan (gpusched plan gate-route --json), got '\(kind)'")
            throw diagnostics.failure()
        }
        guard let plan = object.require("plan").flatMap(PlanDocument.object),
              let items = plan.require("classes")?.list(nonEmpty: true) else { throw diagnostics.failure() }
        var classes: [GateRouteClassSettings] = []
        for item in items {
            guard let entry = PlanDocument.object(item) else { continue }
            let name = entry.require("name")?.string()
            let occupancy = entry.require("prefillOccupancy")?.number(.nonNegative)
            let queue = entry.require("prefillQueue")?.number(.nonNegative)
            guard let name, let occupancy, let queue else { continue }
            if classes.contains(where: { $0.name == name }) { entry.report(key: "name", "duplicate class '\(name)'") }
            classes.append(GateRouteClassSettings(name: name, occupancyTarget: occupancy, queueTarget: queue))
        }
        if !diagnostics.issues.isEmpty { throw diagnostics.failure() }
        return classes
    }
}
