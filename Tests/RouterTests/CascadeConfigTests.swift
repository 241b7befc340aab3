import Foundation
import GPUSchedTestSupport
import ServingModel
import Testing

@testable import Router

/// The `cascades:` entry of a serve config and the import of a real `plan cascade --json` output.
@Suite struct CascadeConfigTests {
    static func read(_ entry: String, baseDirectory: String = "/", environment: [String: String] = [:]) throws -> (CascadeConfig?, [String]) {
        let diagnostics = ScenarioDiagnostics()
        let root = ConfigNode(value: try ConfigParser.parse("cascades:\n" + entry), diagnostics: diagnostics)
        guard let object = root.object(allowedKeys: ["cascades"]), let items = object["cascades"]?.list(), let node = items.first else {
            return (nil, ["no entry"])
        }
        let config = CascadeConfigReader.read(node, baseDirectory: baseDirectory, environment: environment)
        return (config, diagnostics.issues.map(\.description))
    }

    @Test func readsStagesAndAScoreFieldJudge() throws {
        let (config, issues) = try Self.read("""
              - name: cascade
                stages: [{model: small, threshold: 80}, {model: medium, threshold: 60.5}, {model: large}]
                judge: {scoreField: gpusched_score}
            """)
        #expect(issues.isEmpty)
        #expect(config == CascadeConfig(
            name: "cascade",
            stages: [CascadeStage(model: "small", threshold: 80), CascadeStage(model: "medium", threshold: 60.5), CascadeStage(model: "large", threshold: 0)],
            judge: .scoreField("gpusched_score")))
    }

    @Test func readsAnEndpointJudgeWithItsKeyFromTheEnvironment() throws {
        let (config, issues) = try Self.read("""
              - name: cascade
                stages: [{model: small, threshold: 80}, {model: large}]
                judge: {url: "http://127.0.0.1:9100/v1/chat/completions", model: gpt-judge, prompt: "Q {question} A {answer}", apiKeyEnv: JUDGE_KEY, timeoutSeconds: 5}
            """, environment: ["JUDGE_KEY": "sk-secret"])
        #expect(issues.isEmpty, "\(issues)")
        #expect(config?.judge == .endpoint(JudgeEndpoint(
            url: "http://127.0.0.1:9100/v1/chat/completions", model: "gpt-judge", prompt: "Q {question} A {answer}", apiKey: "sk-secret",
            timeoutSeconds: 5)))
    }

    @Test(arguments: [
        ("stages: [{model: a}, {model: b}]\n  judge: {scoreField: s}", "cascades[0].stages[0].threshold: missing required key (every stage but the last has one)"),
        ("stages: [{model: a, threshold: 1}, {model: b, threshold: 2}]\n  judge: {scoreField: s}", "cascades[0].stages[1].threshold: the last stage's answer is always kept: remove its threshold"),
        ("stages: [{model: a, threshold: 1}, {model: a}]\n  judge: {scoreField: s}", "cascades[0].stages[1].model: the pool 'a' is already a stage of this cascade"),
        ("stages: [{model: a, threshold: 1}, {model: b}]\n  judge: {scoreField: s, url: 'http://x'}", "cascades[0].judge: give either scoreField or an endpoint (url, model, …), not both; found url"),
        ("stages: [{model: a, threshold: 1}, {model: b}]\n  judge: {url: 'ftp://x', model: j}", "cascades[0].judge.url: must be an http:// or https:// URL, got 'ftp://x'"),
        ("stages: [{model: a, threshold: 1}, {model: b}]\n  judge: {url: 'http://x', model: j, prompt: 'rate {question}'}", "cascades[0].judge.prompt: must contain {answer}"),
        ("stages: [{model: a, threshold: 1}, {model: b}]\n  judge: {url: 'http://x', model: j, apiKeyEnv: NOPE}", "cascades[0].judge.apiKeyEnv: the environment variable NOPE is not set"),
        ("stages: [{model: a, threshold: 1}, {model: b}]", "cascades[0].judge: missing required key"),
        ("plan: nothere.json\n  judge: {scoreField: s}", "cascades[0].plan: cannot import the plan nothere.json: file not found: /nonexistent/nothere.json"),
    ])
    func reportsProblemsWithTheirKeyPaths(body: String, expected: String) throws {
        let (config, issues) = try Self.read("  - name: c\n    " + body.replacingOccurrences(of: "\n  ", with: "\n    "), baseDirectory: "/nonexistent")
        #expect(config == nil)
        #expect(issues.contains { $0.hasPrefix(expected) }, "\(issues)")
    }

    /// `plan cascade --json` of examples/cascade-deepseek.yaml: the import keeps the plan's
    /// thresholds in stage order and drops the trailing stages the plan gives no GPUs.
    @Test func importsARealCascadePlan() throws {
        let output = try CLIRunner.run(["plan", "cascade", Repository.example("cascade-deepseek.yaml"), "--no-evaluate", "--json"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        let path = try TemporaryFiles.file(output.stdout, extension: "json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let plan = try #require(document["plan"] as? [String: Any])
        let thresholds = try #require(plan["thresholds"] as? [Double])
        let planStages = try #require(plan["stages"] as? [[String: Any]])
        var used = planStages.count
        while used > 1, planStages[used - 1]["gpus"] as? Int == 0 { used -= 1 }
        let stages = try CascadePlanImport.stages(planFile: path)
        #expect(stages.map(\.model) == planStages.prefix(used).map { $0["model"] as? String ?? "" })
        #expect(stages.dropLast().map(\.threshold) == Array(thresholds.prefix(used - 1)))
        #expect(stages.count >= 2)
        // Through the config, the stages rename the plan's models to pools.
        let names = (0..<stages.count).map { "{model: pool\($0)}" }.joined(separator: ", ")
        let (config, issues) = try Self.read("""
              - name: cascade
                plan: \(path)
                stages: [\(names)]
                judge: {scoreField: gpusched_score}
            """)
        #expect(issues.isEmpty, "\(issues)")
        #expect(config?.stages.map(\.threshold) == stages.map(\.threshold))
        #expect(config?.stages.first?.model == "pool0")
        let wrongKind = try TemporaryFiles.file(#"{"kind":"plan-gate-route","plan":{}}"#, extension: "json")
        #expect {
            _ = try CascadePlanImport.stages(planFile: wrongKind)
        } throws: { error in
            "\(error)" == "kind: expected a 'plan-cascade' plan (gpusched plan cascade --json), got 'plan-gate-route'"
        }
    }
}
