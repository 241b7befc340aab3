import Foundation
import ServingModel

/// Reads one entry of a serve config's `cascades:` list. Problems go to the node's diagnostics with
/// their key paths.
///
/// ```yaml
/// cascades:
///   - name: cascade                  # the model name clients ask for
///     plan: plan-cascade.json        # thresholds from `plan cascade --json` (optional)
///     stages:                        # pools' models in order; with a plan, only `model` (its names
///       - {model: small, threshold: 80}   # replace the plan's, stage by stage)
///       - {model: large}
///     judge: {scoreField: gpusched_score}
///     # judge: {url: http://127.0.0.1:9100/v1/chat/completions, model: judge, prompt: "…{question}…{answer}…",
///     #         apiKeyEnv: JUDGE_API_KEY, timeoutSeconds: 30, maxTokens: 16}
/// ```
/// ```swift
/// let cascade = CascadeConfigReader.read(node, baseDirectory: directory, environment: ProcessInfo.processInfo.environment)
/// ```
public enum CascadeConfigReader {
    static let keys = ["name", "plan", "stages", "judge"]
    static let judgeKeys = ["scoreField", "url", "model", "prompt", "apiKeyEnv", "timeoutSeconds", "maxTokens"]
    /// The most stages a cascade may have.
    public static let maxStages = 16

    /// The cascade, or nil after reporting every problem.
    public static func read(_ node: ConfigNode, baseDirectory: String, environment: [String: String]) -> CascadeConfig? {
        let problemsBefore = node.diagnostics.issues.count
        guard let object = node.object(allowedKeys: keys) else { return nil }
        let name = object.require("name")?.string()
        var planned: [CascadeStage]?
        var planFailed = false
        if let planNode = object["plan"] {
            if let relative = planNode.string() {
                let path = relative.hasPrefix("/") ? relative : (baseDirectory as NSString).appendingPathComponent(relative)
                do {
                    planned = try CascadePlanImport.stages(planFile: path)
                } catch let error as ScenarioError {
                    planNode.report("cannot import the plan \(relative): " + error.issues.map(\.description).joined(separator: "; "))
                    planFailed = true
                } catch {
                    planNode.report("cannot import the plan \(relative): \(error)")
                    planFailed = true
                }
            } else {
                planFailed = true
            }
        }
        let stages = readStages(object, planned: planned, planFailed: planFailed)
        let judge = object.require("judge").flatMap { readJudge($0, environment: environment) }
        guard let name, let stages, let judge, !planFailed, node.diagnostics.issues.count == problemsBefore else { return nil }
        return CascadeConfig(name: name, stages: stages, judge: judge)
    }

    private static func readStages(_ object: ConfigObject, planned: [CascadeStage]?, planFailed: Bool) -> [CascadeStage]? {
        guard let listNode = object["stages"] else {
            if let planned { return planned }
            if !planFailed { object.report(key: "stages", "missing required key (or give plan:)") }
            return nil
        }
        guard let items = listNode.list(nonEmpty: true) else { return nil }
        guard items.count <= maxStages else {
            listNode.report("must have at most \(maxStages) stages, got \(items.count)")
            return nil
        }
        if let planned, items.count != planned.count {
            listNode.report("must name one pool per stage of the plan (\(planned.map(\.model).joined(separator: ", "))), got \(items.count)")
            return nil
        }
        var stages: [CascadeStage] = []
        var valid = true
        for (k, item) in items.enumerated() {
            let isLast = k == items.count - 1
            guard let entry = item.object(allowedKeys: ["model", "threshold"]), let model = entry.require("model")?.string() else {
                valid = false
                continue
            }
            if stages.contains(where: { $0.model == model }) {
                entry.report(key: "model", "the pool '\(model)' is already a stage of this cascade")
                valid = false
            }
            var threshold: Double?
            if let node = entry["threshold"] {
                if isLast {
                    node.report("the last stage's answer is always kept: remove its threshold")
                    valid = false
                } else {
                    threshold = node.number(.finite)
                    if threshold == nil { valid = false }
                }
            } else if let planned {
                threshold = planned[k].threshold
            } else if !isLast, !planFailed {
                entry.report(key: "threshold", "missing required key (every stage but the last has one)")
                valid = false
            }
            stages.append(CascadeStage(model: model, threshold: threshold ?? 0))
        }
        return valid ? stages : nil
    }

    private static func readJudge(_ node: ConfigNode, environment: [String: String]) -> JudgeConfig? {
        guard let object = node.object(allowedKeys: judgeKeys) else { return nil }
        if let field = object["scoreField"] {
            let endpointKeys = judgeKeys.dropFirst().filter(object.has)
            if !endpointKeys.isEmpty {
                object.report("give either scoreField or an endpoint (url, model, …), not both; found " + endpointKeys.joined(separator: ", "))
                return nil
            }
            guard let path = field.string() else { return nil }
            return .scoreField(path)
        }
        guard let urlNode = object.require("url") else { return nil }
        let url = urlNode.string()
        if let url, !(url.hasPrefix("http://") || url.hasPrefix("https://")) || URL(string: url)?.host == nil {
            urlNode.report("must be an http:// or https:// URL, got '\(url)'")
            return nil
        }
        let model = object.require("model")?.string()
        let prompt = object["prompt"].map { node -> String? in
            guard let text = node.string() else { return nil }
            guard text.contains("{answer}") else {
                node.report("must contain {answer} (and usually {question}): the judge has to see the answer")
                return nil
            }
            return text
        }
        var apiKey: String?
        if let envNode = object["apiKeyEnv"] {
            guard let variable = envNode.string() else { return nil }
            guard let value = environment[variable], !value.isEmpty else {
                envNode.report("the environment variable \(variable) is not set")
                return nil
            }
            apiKey = value
        }
        let timeout = object["timeoutSeconds"].map { $0.number(.positive, max: 3_600) }
        let maxTokens = object["maxTokens"].map { $0.integer(min: 1, max: 4_096) }
        guard let url, let model, (prompt ?? "") != nil, (timeout ?? 1) != nil, (maxTokens ?? 1) != nil else { return nil }
        return .endpoint(JudgeEndpoint(
            url: url, model: model, prompt: (prompt ?? nil) ?? JudgeEndpoint.defaultPrompt, apiKey: apiKey,
            timeoutSeconds: (timeout ?? nil) ?? 30, maxTokens: (maxTokens ?? nil) ?? 16))
    }
}
