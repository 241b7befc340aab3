import Cascade
import Foundation
import Planning
import Testing
@testable import GPUSchedCLI
import GPUSchedTestSupport

/// `gpusched plan cascade` and `simulate cascade`: the JSON contract, re-planning and bad input.
@Suite struct CascadeCommandTests {
    /// A small DeepSeek cascade (24 GPUs, short simulations) so the debug binary runs it quickly.
    static func scenario(
        models: String = "[deepseek-r1-distill-qwen-7b, deepseek-r1-distill-llama-70b, deepseek-v3-awq]",
        count: Int = 24, target: Double = 85, samples: String = "{synthetic: {requests: 500, seed: 7}}"
    ) -> String {
        """
        kind: cascade
        cluster: {gpu: H100-80GB, count: \(count), gpusPerNode: 8}
        models: \(models)
        workload: {arrivalRate: 1.5, promptTokens: {lognormal: {mean: 800, sd: 600}}, outputTokens: {lognormal: {mean: 300, sd: 200}}}
        quality: {target: \(target), samples: \(samples)}
        objective: max-stage-latency
        slo: {p95Latency: 20}
        evaluation: {seeds: 1, requests: 300}
        """
    }

    func json(_ output: CLIRunner.Output) throws -> [String: Any] {
        #expect(output.exitCode == 0, "\(output.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    }

    @Test func planHasTheJSONContract() throws {
        let path = try TemporaryFiles.file(Self.scenario())
        let report = try json(try CLIRunner.run(["plan", "cascade", path, "--json", "--replan", "synthetic:8"]))
        #expect(report["kind"] as? String == "plan-cascade" && report["schemaVersion"] as? Int == 2)
        let solve = try #require(report["solve"] as? [String: Any])
        #expect(solve["status"] as? String == "heuristic" && solve["solves"] as? Int == 1 && solve["bestBound"] is NSNull)
        let plan = try #require(report["plan"] as? [String: Any])
        #expect(plan["name"] as? String == "cascadia")
        let thresholds = try #require(plan["thresholds"] as? [Double])
        #expect(thresholds.count == 2)
        #expect(try #require(plan["quality"] as? Double) >= 85)
        let search = try #require(plan["search"] as? [String: Any])
        #expect(search["meetsTarget"] as? Bool == true)
        #expect(search["objectiveName"] as? String == "max-stage-latency")
        #expect(search["stageBudgetSeconds"] is NSNull)
        #expect(try #require(search["iterations"] as? Int) >= 1)
        let stages = try #require(plan["stages"] as? [[String: Any]])
        #expect(stages.map { $0["model"] as? String } == [
            "deepseek-r1-distill-qwen-7b", "deepseek-r1-distill-llama-70b", "deepseek-v3-awq",
        ])
        #expect(try stages.map { try #require($0["gpus"] as? Int) }.reduce(0, +) == 24)
        #expect(stages[0]["reachFraction"] as? Double == 1)
        // A model the thresholds send nothing to is listed with no GPUs and no replicas.
        for stage in stages where stage["reachFraction"] as? Double == 0 {
            #expect(stage["gpus"] as? Int == 0 && (stage["replicas"] as? [Any])?.isEmpty == true)
        }
        for stage in stages where try #require(stage["reachFraction"] as? Double) > 0 {
            let replicas = try #require(stage["replicas"] as? [[String: Int]])
            let used = try replicas.map { try #require($0["tp"]) * #require($0["pp"]) }.reduce(0, +)
            #expect(try !replicas.isEmpty && used <= #require(stage["gpus"] as? Int))
            #expect(try #require(stage["p95LatencySeconds"] as? Double) > 0)
        }
        // max-stage-latency: the objective L is the slowest stage's estimated p95.
        let slowest = try stages.map { try #require($0["p95LatencySeconds"] as? Double) }.max()
        #expect(try abs(#require(solve["objective"] as? Double) - #require(slowest)) < 1e-9)
        let baselines = try #require(report["baselines"] as? [[String: Any]])
        let names = ["single-model", "uniform-gpus", "uniform-layout", "proportional-gpus"]
        #expect(baselines.map { $0["name"] as? String } == names)
        #expect(baselines.allSatisfy { $0["search"] is NSNull && $0["replan"] is NSNull })
        #expect(report["seeds"] as? [Int] == [1])
        let evaluations = try #require(report["evaluations"] as? [[String: Any]])
        #expect(evaluations.map { $0["name"] as? String } == ["cascadia"] + names)
        for row in evaluations {
            #expect(row["p95LatencySeconds"] is Double && row["p99LatencySeconds"] is Double && row["sloAttainment"] is [[String: Double]])
            #expect(row["sustainableRate"] is NSNull && row["arrivalRate"] as? Double == 1.5 && row["sloSeconds"] as? Double == 20)
        }
        #expect((report["notes"] as? [String])?.isEmpty == true)
        let replan = try #require(plan["replan"] as? [String: Any])
        #expect((replan["changes"] as? [[String: Any]])?.count == 3)
        #expect((replan["solve"] as? [String: Any])?["status"] as? String == "heuristic")
    }

    /// `--no-evaluate` solves only: no seeds, no evaluations, the plan and baselines still listed;
    /// `--seeds 2` simulates seeds 1 and 2.
    @Test func planEvaluationFlags() throws {
        let path = try TemporaryFiles.file(Self.scenario())
        let bare = try json(try CLIRunner.run(["plan", "cascade", path, "--json", "--no-evaluate"]))
        #expect(bare["seeds"] as? [Int] == [] && (bare["evaluations"] as? [Any])?.isEmpty == true)
        #expect((bare["baselines"] as? [Any])?.count == 4)
        let text = try CLIRunner.run(["plan", "cascade", path, "--no-evaluate"])
        #expect(text.exitCode == 0 && text.stdout.contains("Not simulated (--no-evaluate):"), "\(text.stdout)")
        let two = try json(try CLIRunner.run(["plan", "cascade", path, "--json", "--seeds", "2"]))
        #expect(two["seeds"] as? [Int] == [1, 2] && (two["evaluations"] as? [Any])?.count == 5)
    }

    /// The sustainable rate is found by doubling or halving from the scenario's 1.5 req/s, so it is
    /// at least 1.5 exactly when at least 95 % of requests finish within the 20 s SLO at 1.5 req/s
    /// (the attainment row at scale 1), and at most 0.75 otherwise (0 when no rate tried is sustainable). Attainment over the SLO scales
    /// is a distribution function: non-decreasing, within [0, 1].
    @Test func simulateFindsSustainableRates() throws {
        let path = try TemporaryFiles.file(Self.scenario())
        let output = try CLIRunner.run(["simulate", "cascade", path, "--json"])
        let report = try json(output)
        #expect(report["kind"] as? String == "simulate-cascade")
        // The output's schema (JSONSchemaTests lists this test as where simulate-cascade is checked).
        #expect(try SchemaValidator.problems(in: output.stdout) == [])
        let rows = try #require(report["evaluations"] as? [[String: Any]])
        #expect(rows.count == 5)
        for row in rows {
            let name = row["name"] as? String ?? ""
            let rate = try #require(row["sustainableRate"] as? Double, "\(name)")
            let attainment = try #require(row["sloAttainment"] as? [[String: Double]], "\(name)")
            #expect(attainment.map { $0["scale"] } == [0.5, 0.75, 1, 1.5, 2, 3], "\(name)")
            let shares = try attainment.map { try #require($0["attainment"]) }
            #expect(zip(shares, shares.dropFirst()).allSatisfy { $0 <= $1 } && shares.allSatisfy { (0...1).contains($0) }, "\(name): \(shares)")
            let meetsAtScenarioRate = try #require(attainment.first { $0["scale"] == 1 }?["attainment"]) >= 0.95
            #expect(meetsAtScenarioRate ? rate >= 1.5 : (rate >= 0 && rate <= 0.75), "\(name): \(rate) req/s, \(shares)")
        }
        let text = try CLIRunner.run(["simulate", "cascade", path])
        #expect(text.exitCode == 0 && text.stdout.contains("max rate @95%"))
    }

    /// Throughput mode reports the per-stage p95 budgets of its rate tables (each within the SLO
    /// less the two judge calls); `--stage-budget` accepts only search, whole or split.
    @Test func throughputModeReportsStageBudgets() throws {
        let text = Self.scenario().replacingOccurrences(of: "objective: max-stage-latency", with: "objective: throughput")
        let path = try TemporaryFiles.file(text)
        let report = try json(try CLIRunner.run(["plan", "cascade", path, "--json", "--no-evaluate"]))
        func budgets(_ report: [String: Any]) -> [Double]? {
            ((report["plan"] as? [String: Any])?["search"] as? [String: Any])?["stageBudgetSeconds"] as? [Double]
        }
        let planned = try #require(budgets(report))
        #expect(planned.count == 3 && planned.allSatisfy { $0 > 0 && $0 <= 20 - 2 * 0.27 + 1e-9 }, "\(planned)")
        #expect(try #require((report["solve"] as? [String: Any])?["objective"] as? Double) > 0)
        let wholePath = try TemporaryFiles.file(text + "\nstageBudget: whole\n")
        let whole = try json(try CLIRunner.run(["plan", "cascade", wholePath, "--json", "--no-evaluate"]))
        #expect(budgets(whole) == [19.46, 19.46, 19.46])
        let bad = try CLIRunner.run(["simulate", "cascade", path, "--stage-budget", "hole"])
        #expect(bad.exitCode == 2)
        #expect(bad.stderr.contains("unknown value 'hole' (did you mean 'whole'?); choose from: whole, split, search"), "\(bad.stderr)")
    }

    /// The text of `plan cascade examples/cascade-deepseek.yaml --no-evaluate`, rendered in-process:
    /// the README's plan (θ = 80, 0; 8/24/0 GPUs; quality 85.75) and baselines (the 70B alone at
    /// 88.58 on 32 GPUs, 16/16, 8/24, 5/27), the plan's row listing only its stages with GPUs.
    @Test func textRendersThePlanAndItsBaselines() throws {
        let planned = try CascadeServingPlanner().plan(try CascadeProblem.deepseek(gpus: 32, rate: 4, target: 85), context: PlanningContext())
        let text = CascadeText.render(try CascadeReport(kind: "plan-cascade", planned: planned, evaluator: nil))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("thresholds 80, 0; quality 85.75 (target 85.0); max-stage-latency ") == true, "\(text)")
        let rows = lines.drop { $0 != "Not simulated (--no-evaluate):" }.dropFirst(3).map { $0.split(separator: " ").map(String.init) }
        #expect(rows == [
            ["cascadia", "85.75", "8/24"], ["single-model", "88.58", "32"], ["uniform-gpus", "85.75", "16/16"],
            ["uniform-layout", "85.75", "8/24"], ["proportional-gpus", "85.75", "5/27"],
        ], "\(text)")
        let v3 = try #require(lines.first { $0.hasPrefix("deepseek-v3-awq") }).split(separator: " ").map(String.init)
        #expect(v3 == ["deepseek-v3-awq", "0", "-", "0.0", "%", "0.00", "0.00"])
    }

    @Test(arguments: [
        (scenario(models: "[deepseek-r1-distill-llama-70b, deepseek-r1-distill-qwen-7b]"),
         "error: models: models must be ordered smallest first: deepseek-r1-distill-llama-70b (70.6B parameters) comes before deepseek-r1-distill-qwen-7b"),
        (scenario(count: 6), "error: cluster.count: deepseek-v3-awq fits no layout of 6 H100-80GB"),
        (scenario(target: 99), "error: quality.target: quality target 99.0 is unreachable: the best achievable on this sample is"),
        (scenario(models: "[deepseek-r1-distil-qwen-7b, deepseek-v3-awq]"),
         "error: models[0]: unknown model 'deepseek-r1-distil-qwen-7b' (did you mean 'deepseek-r1-distill-qwen-7b'?)"),
        (scenario(samples: "scores-missing.csv"), "error: quality.samples: no scores for model(s) deepseek-r1-distill-llama-70b, deepseek-v3-awq"),
        (scenario(samples: "{synthetic: {requests: 500, sed: 7}}"), "error: quality.samples.synthetic.sed: unknown key (did you mean 'seed'?)"),
    ])
    func badInputExitsTwo(text: String, message: String) throws {
        let directory = try TemporaryFiles.directory(prefix: "cascade")
        try "prompt_tokens,deepseek-r1-distill-qwen-7b.output_tokens,deepseek-r1-distill-qwen-7b.score\n100,50,80\n"
            .write(to: directory.appendingPathComponent("scores-missing.csv"), atomically: true, encoding: .utf8)
        let path = directory.appendingPathComponent("scenario.yaml")
        try text.write(to: path, atomically: true, encoding: .utf8)
        let output = try CLIRunner.run(["plan", "cascade", path.path])
        #expect(output.exitCode == 2)
        #expect(output.stderr.hasPrefix(message), "\(output.stderr)")
    }

    @Test func scoresOutsideTheScaleAreRejected() throws {
        let directory = try TemporaryFiles.directory(prefix: "cascade")
        try """
            prompt_tokens,llama-3.1-8b.output_tokens,llama-3.1-8b.score,llama-3.1-70b.output_tokens,llama-3.1-70b.score
            100,50,80,60,90
            120,40,-3,70,140
            """.write(to: directory.appendingPathComponent("scores.csv"), atomically: true, encoding: .utf8)
        let path = directory.appendingPathComponent("scenario.yaml")
        try Self.scenario(models: "[llama-3.1-8b, llama-3.1-70b]", samples: "scores.csv")
            .write(to: path, atomically: true, encoding: .utf8)
        let output = try CLIRunner.run(["validate", path.path])
        #expect(output.exitCode == 2)
        #expect(output.stderrLines == [
            "error: quality.samples line 3: llama-3.1-8b.score must be within 0–100, got -3",
            "error: quality.samples line 3: llama-3.1-70b.score must be within 0–100, got 140",
        ], "\(output.stderr)")
    }
}

/// A large cascade plans without its simulation when asked to (`--no-evaluate`: the reader no longer
/// refuses it for a simulation it skips), and a simulation beyond the limit is refused before planning.
@Suite struct CascadeLargeClusterTests {
    @Test func aThousandGPUsPlanWithoutEvaluationAndRefuseTheSimulation() throws {
        let text = CascadeCommandTests.scenario(count: 1024).replacingOccurrences(of: "arrivalRate: 1.5", with: "arrivalRate: 128")
            .replacingOccurrences(of: "evaluation: {seeds: 1, requests: 300}", with: "evaluation: {seeds: 3, requests: 2000}")
        let path = try TemporaryFiles.file(text)
        let planned = try CLIRunner.run(["plan", "cascade", path, "--no-evaluate", "--json"])
        #expect(planned.exitCode == 0, "\(planned.stderr)")
        // simulate cascade searches the sustainable rate: 3 seeds × 5 cascades × 19 runs × 25,600 requests.
        let refused = try CLIRunner.run(["simulate", "cascade", path])
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.contains("simulated requests") && refused.stderr.contains("--max-requests"), "\(refused.stderr)")
    }
}
