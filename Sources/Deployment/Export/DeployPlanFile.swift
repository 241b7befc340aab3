import Foundation
import Planning
import ServingModel

/// Reads the plan that `export deploy` writes out: a `plan deploy --json` report (its plan, or a
/// baseline chosen by name) or a bare `DeployPlan` object, then checks what the exporters rely on.
/// ```
/// let plan = try DeployPlanFile.plan(from: data, source: "plan.json", name: "rule-of-thumb")
/// ```
public enum DeployPlanFile {
    /// The `kind` of a `plan deploy --json` report.
    public static let kind = "plan-deploy"

    /// The part of the report that is read.
    private struct Report: Decodable {
        var plan: DeployPlan
        var baselines: [DeployPlan]?
    }

    /// The plan named `name` (the report's plan when nil) in `data`, checked by `check`.
    /// Bad input (one line, naming `source`) when the data is not JSON, not a deploy plan, has no
    /// plan of that name, or fails the check.
    public static func plan(from data: Data, source: String, name: String? = nil) throws(PlanningError) -> DeployPlan {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw PlanningError.badInput("'\(source)' is not a JSON object")
            }
            object = parsed
        } catch let error as PlanningError {
            throw error
        } catch {
            throw .badInput("'\(source)' is not JSON: \(oneLine(error.localizedDescription))")
        }
        var candidates: [DeployPlan]
        if let kind = object["kind"] {
            guard let kind = kind as? String, kind == Self.kind else {
                throw .badInput("'\(source)' is a `\(object["kind"].map { "\($0)" } ?? "?")` output, not a `gpusched plan deploy --json` one (kind \(Self.kind))")
            }
            let report = try decode(Report.self, from: data, source: source)
            candidates = [report.plan] + (report.baselines ?? [])
        } else {
            candidates = [try decode(DeployPlan.self, from: data, source: source)]
        }
        let chosen: DeployPlan
        if let name {
            guard let match = candidates.first(where: { $0.name == name }) else {
                let names = candidates.map(\.name)
                throw .badInput("no plan '\(name)' in '\(source)'" + NameSuggestion.hint(for: name, in: names)
                    + "; it has: " + names.joined(separator: ", "))
            }
            chosen = match
        } else {
            chosen = candidates[0]
        }
        try check(chosen, source: source)
        return chosen
    }

    /// What every exporter relies on: at least one group, and in each group TP, PP, count, batch
    /// cap and chunk ≥ 1, memory utilisation in (0, 1], a finite non-negative capacity and
    /// non-empty model and GPU names. Bad input names the first offending field.
    public static func check(_ plan: DeployPlan, source: String) throws(PlanningError) {
        guard !plan.groups.isEmpty else {
            throw .badInput("'\(source)': plan '\(plan.name)' has no groups, so there is nothing to export")
        }
        for (index, group) in plan.groups.enumerated() {
            let field = "'\(source)': groups[\(index)]"
            let counts: [(String, Int)] = [
                ("tp", group.tp), ("pp", group.pp), ("count", group.count), ("maxBatch", group.maxBatch),
                ("chunkTokens", group.chunkTokens),
            ]
            if let bad = counts.first(where: { $0.1 < 1 }) {
                throw .badInput("\(field).\(bad.0) must be >= 1, got \(bad.1)")
            }
            guard group.memoryUtilization > 0, group.memoryUtilization <= 1 else {
                throw .badInput("\(field).memoryUtilization must be in (0, 1], got \(group.memoryUtilization)")
            }
            guard group.capacityPerReplica.isFinite, group.capacityPerReplica >= 0 else {
                throw .badInput("\(field).capacityPerReplica must be a finite number >= 0, got \(group.capacityPerReplica)")
            }
            guard !group.model.isEmpty else { throw .badInput("\(field).model is empty") }
            guard !group.gpu.isEmpty else { throw .badInput("\(field).gpu is empty") }
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, from data: Data, source: String) throws(PlanningError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw .badInput("'\(source)' is not a deploy plan: " + describe(error))
        } catch {
            throw .badInput("'\(source)' is not a deploy plan: \(oneLine(error.localizedDescription))")
        }
    }

    /// A decoding error on one line, naming the key path.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            let text = keys.reduce("") { text, key in
                key.intValue.map { text + "[\($0)]" } ?? (text.isEmpty ? key.stringValue : text + "." + key.stringValue)
            }
            return text.isEmpty ? "the top level" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key '\(path(context.codingPath + [key]))'"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) is not a \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) is null, expected a \(type)"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(oneLine(context.debugDescription))"
        @unknown default:
            return oneLine("\(error)")
        }
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
