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
    /// The kinds whose `plan` and `baselines` are deploy plans (`simulate deploy` prints the same shape).
    public static let kinds: Set<String> = ["plan-deploy", "simulate-deploy"]
    /// Largest plan file read (a plan of 10,000 groups is well under it).
    public static let maximumBytes = 64 << 20

    /// Reads `path` (at most `maximumBytes`) and returns `plan(from:source:name:)`; `flag` names
    /// the option the path came from in messages.
    public static func read(path: String, named name: String? = nil, flag: String) throws(PlanningError) -> DeployPlan {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard let size else { throw .badInput("\(flag): cannot read '\(path)' (no such file)") }
        guard size <= maximumBytes else { throw .badInput("\(flag): '\(path)' is \(size) bytes; a plan file is at most \(maximumBytes)") }
        guard let data = FileManager.default.contents(atPath: path) else { throw .badInput("\(flag): cannot read '\(path)'") }
        do {
            return try plan(from: data, source: path, name: name)
        } catch {
            throw error.prefixed("\(flag): ")
        }
    }

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
            guard let kind = kind as? String, Self.kinds.contains(kind) else {
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

    /// Most groups a plan may have.
    public static let maximumGroups = 10_000

    /// What every exporter relies on: 1 to `maximumGroups` groups, and in each group TP (at most
    /// 1024), PP (at most 256, one command or pod per stage), count (at most 1,000,000), batch cap
    /// and chunk (at most 2^31 − 1, Kubernetes' and the engines' int32) all ≥ 1, memory utilisation
    /// in (0, 1], a finite non-negative capacity, and model, GPU and plan names that are non-empty
    /// (the plan's may be empty) without control characters (they are written into comments and
    /// commands). Bad input names the first offending field.
    public static func check(_ plan: DeployPlan, source: String) throws(PlanningError) {
        guard !plan.groups.isEmpty else {
            throw .badInput("'\(source)': plan '\(plan.name)' has no groups, so there is nothing to export")
        }
        guard plan.groups.count <= maximumGroups else {
            throw .badInput("'\(source)': plan '\(plan.name)' has \(plan.groups.count) groups; at most \(maximumGroups) are exported")
        }
        guard !hasControlCharacter(plan.name) else { throw .badInput("'\(source)': the plan's name has a control character") }
        for (index, group) in plan.groups.enumerated() {
            let field = "'\(source)': groups[\(index)]"
            let counts: [(String, Int, Int)] = [
                ("tp", group.tp, 1024), ("pp", group.pp, 256), ("count", group.count, 1_000_000),
                ("maxBatch", group.maxBatch, Int(Int32.max)), ("chunkTokens", group.chunkTokens, Int(Int32.max)),
            ]
            if let bad = counts.first(where: { $0.1 < 1 }) {
                throw .badInput("\(field).\(bad.0) must be >= 1, got \(bad.1)")
            }
            if let bad = counts.first(where: { $0.1 > $0.2 }) {
                throw .badInput("\(field).\(bad.0) must be <= \(bad.2), got \(bad.1)")
            }
            guard group.memoryUtilization > 0, group.memoryUtilization <= 1 else {
                throw .badInput("\(field).memoryUtilization must be in (0, 1], got \(group.memoryUtilization)")
            }
            guard group.capacityPerReplica.isFinite, group.capacityPerReplica >= 0 else {
                throw .badInput("\(field).capacityPerReplica must be a finite number >= 0, got \(group.capacityPerReplica)")
            }
            for (name, value) in [("model", group.model), ("gpu", group.gpu)] {
                guard !value.isEmpty else { throw .badInput("\(field).\(name) is empty") }
                guard !hasControlCharacter(value) else { throw .badInput("\(field).\(name) has a control character") }
            }
        }
    }

    /// True when `text` has a control character (a newline would end a comment or command).
    static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
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
