import Foundation
import Planning

/// Reads a plan written by `plan deploy --json`: the whole report (its `plan`, or a baseline by
/// name) or a bare plan object.
/// ```
/// let plan = try DeployPlanFile.read(path: "plan.json")                 // the report's plan
/// let baseline = try DeployPlanFile.read(path: "plan.json", named: "melange")
/// ```
public enum DeployPlanFile {
    /// Largest plan file read (a plan of 10,000 GPUs is well under a megabyte).
    public static let maximumBytes = 64 << 20

    private struct Report: Decodable {
        var kind: String?
        var plan: DeployPlan
        var baselines: [DeployPlan]?
    }

    public static func read(path: String, named name: String? = nil, flag: String = "PLAN.json") throws(PlanningError) -> DeployPlan {
        let url = URL(fileURLWithPath: path)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard let size else { throw .badInput("\(flag): cannot read '\(path)' (no such file)") }
        guard size <= maximumBytes else { throw .badInput("\(flag): '\(path)' is \(size) bytes; a plan file is at most \(maximumBytes)") }
        guard let data = try? Data(contentsOf: url) else { throw .badInput("\(flag): cannot read '\(path)'") }
        let decoder = JSONDecoder()
        if let report = try? decoder.decode(Report.self, from: data) {
            if let kind = report.kind, !kind.hasSuffix("-deploy") {
                throw .badInput("\(flag): '\(path)' is a '\(kind)' output, not a deploy plan (plan-deploy)")
            }
            let all = [report.plan] + (report.baselines ?? [])
            guard let name else { return report.plan }
            if let found = all.first(where: { $0.name == name }) { return found }
            throw .badInput("\(flag): no plan named '\(name)' in '\(path)'; it has " + all.map(\.name).joined(separator: ", "))
        }
        do {
            let plan = try decoder.decode(DeployPlan.self, from: data)
            if let name, plan.name != name { throw PlanningError.badInput("\(flag): the plan in '\(path)' is '\(plan.name)', not '\(name)'") }
            return plan
        } catch let error as PlanningError {
            throw error
        } catch {
            throw .badInput("\(flag): '\(path)' is not a deploy plan (\(Self.describe(error)))")
        }
    }

    /// The decoding error's key path and reason, in one line.
    static func describe(_ error: Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, context):
            return "missing key '" + (context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".") + "'"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return "wrong type at '" + context.codingPath.map(\.stringValue).joined(separator: ".") + "'"
        case let DecodingError.dataCorrupted(context):
            return context.codingPath.isEmpty ? "not JSON" : "bad value at '" + context.codingPath.map(\.stringValue).joined(separator: ".") + "'"
        default:
            return "unreadable"
        }
    }
}
