import Foundation
import Testing
import GPUSchedTestSupport

/// `gpusched plan gate-route`: the JSON contract, the evaluation, and bad input.
@Suite struct GateRoutePlanCommandTests {
    static let scenario = """
        kind: gate-route
        gpus: 500
        engine: {batchSize: 16, chunkSize: 256, alpha: 0.0174, beta: 6.2e-5, gamma: 45.45}
        pricing: {scheme: bundled, prefillPrice: 0.1, decodePrice: 0.2}
        classes:
          - {name: code, promptTokens: 300, decodeTokens: 1000, arrivalRate: 0.5, abandonmentRate: 0.1}
          - {name: summarize, promptTokens: 3000, decodeTokens: 400, arrivalRate: 0.5, abandonmentRate: 0.1}
        """

    @Test func jsonContract() throws {
        let output = try CLIRunner.run(["plan", "gate-route", try TemporaryFiles.file(Self.scenario), "--json", "--no-evaluate"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(report["kind"] as? String == "plan-gate-route")
        #expect((report["evaluations"] as? [Any])?.isEmpty == true && (report["seeds"] as? [Any])?.isEmpty == true)
        let solve = try #require(report["solve"] as? [String: Any])
        #expect(solve["status"] as? String == "optimal" && solve["solveSeconds"] is Double)
        #expect(abs((solve["objective"] as? Double ?? 0) - 297.70) < 0.01)
        let json = try #require(report["plan"] as? [String: Any])
        #expect(abs((json["revenuePerGPU"] as? Double ?? 0) - 297.70) < 0.01)
        #expect(json["mixedGPUs"] as? Int == 107)
        let classes = try #require(json["classes"] as? [[String: Any]])
        #expect(classes.map { $0["name"] as? String } == ["code", "summarize"])
        // The reference optimum of the convergence instance (README; research notes §4.2), each to
        // the digits it is published with.
        let reference: [String: ([Double], Double)] = [
            "prefillOccupancy": ([0.01826, 0.19495], 5e-6), "mixedDecodeOccupancy": ([0, 3.198], 5e-4),
            "soloDecodeOccupancy": ([10.303, 2.286], 5e-4), "prefillQueue": ([0.3173, 0], 5e-5), "decodeQueue": ([0, 0], 1e-9),
        ]
        for (key, (values, tolerance)) in reference {
            let actual = try classes.map { try #require($0[key] as? Double, "\(key)") }
            #expect(zip(actual, values).allSatisfy { abs($0 - $1) <= tolerance }, "\(key): \(actual)")
        }
        let binding = try #require(json["bindingConstraints"] as? [[String: Any]])
        #expect(binding.contains { $0["name"] as? String == "soloDecodeCapacity" && $0["shadowPrice"] is Double })
    }

    @Test func calibrationByName() throws {
        let text = Self.scenario.replacingOccurrences(
            of: "alpha: 0.0174, beta: 6.2e-5, gamma: 45.45", with: "calibration: qwen3-8b-a100-vllm0.11")
        let output = try CLIRunner.run(["plan", "gate-route", try TemporaryFiles.file(text), "--json", "--no-evaluate"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(abs(((json["plan"] as? [String: Any])?["revenuePerGPU"] as? Double ?? 0) - 297.70) < 0.01)
    }

    /// `plan` evaluates by default: the plan's gate-and-route first, then the scenario's baselines,
    /// at the plan's n = 10 on the section's two seeds; each ratio is the revenue over R* = 297.70,
    /// and the plan's M = ⌈10 × 0.21321⌉ = 3.
    @Test func planEvaluatesThePlanFirst() throws {
        let text = Self.scenario.replacingOccurrences(of: "gpus: 500", with: "gpus: 10")
            + "\nsimulation: {horizon: 300, warmup: 100, seeds: 2, policies: [fi-wsp, gate-and-route]}\n"
        let output = try CLIRunner.run(["plan", "gate-route", try TemporaryFiles.file(text), "--json"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(report["seeds"] as? [Int] == [1, 2])
        let rows = try #require(report["evaluations"] as? [[String: Any]])
        #expect(rows.map { $0["policy"] as? String } == ["gate-and-route", "fi-wsp"])
        #expect(rows.map { $0["mixedGPUs"] as? Int } == [3, 10])
        for row in rows {
            let revenue = try #require((row["revenuePerGPU"] as? [String: Any])?["mean"] as? Double)
            let ratio = try #require(row["ratioToOptimum"] as? Double)
            #expect(abs(ratio - revenue / 297.7032) < 1e-4, "\(ratio) vs \(revenue)")
        }
        let table = try CLIRunner.run(["plan", "gate-route", try TemporaryFiles.file(text), "--seeds", "1"])
        #expect(table.exitCode == 0, "\(table.stderr)")
        #expect(table.stdout.contains("note: evaluations: the CTMC at n = 10 GPUs, T = 300 s, warm-up 100 s"))
    }

    @Test func badInputIsReportedWithKeyPaths() throws {
        let text = Self.scenario
            .replacingOccurrences(of: "batchSize: 16", with: "batchSize: 1")
            .replacingOccurrences(of: "chunkSize: 256", with: "chunkSize: 0")
            .replacingOccurrences(of: "arrivalRate: 0.5, abandonmentRate: 0.1}\n  - {name: summarize", with: "arrivalRate: 0, abandonmentRate: 0.1}\n  - {name: summarize")
            + "\nsimulation: {policies: [gate-and-rout]}\n"
        let output = try CLIRunner.run(["plan", "gate-route", try TemporaryFiles.file(text)])
        #expect(output.exitCode == 2)
        let lines = output.stderrLines
        #expect(lines.contains("error: engine.batchSize: must be >= 2, got 1"))
        #expect(lines.contains("error: engine.chunkSize: must be >= 1, got 0"))
        #expect(lines.contains("error: classes[0].arrivalRate: must be > 0, got 0"))
        #expect(lines.contains { $0.hasPrefix("error: simulation.policies[0]: unknown value 'gate-and-rout' (did you mean 'gate-and-route'?)") })
        #expect(!output.stderr.contains("Fatal error"))
    }

    @Test func infeasibleSLINamesTheTightestValue() throws {
        let text = Self.scenario + "\nsli: {maxAverageTPOT: 0.02}\n"
        let output = try CLIRunner.run(["plan", "gate-route", try TemporaryFiles.file(text)])
        #expect(output.exitCode == 2)
        #expect(output.stderr == "error: sli.maxAverageTPOT: no plan meets 0.02; the tightest feasible value is 0.0220022\n")
    }
}

/// `gpusched simulate gate-route`: a short CTMC and token-level run with the JSON contract.
@Suite struct SimulateGateRouteCommandTests {
    @Test func ctmcAndTokenLevelRuns() throws {
        let path = try TemporaryFiles.file(GateRoutePlanCommandTests.scenario + "\nsimulation: {horizon: 400, warmup: 100, seeds: 2, gpus: [10]}\n")
        let ctmc = try CLIRunner.run(["simulate", "gate-route", path, "--policies", "gate-and-route,fi-wsp", "--json"])
        #expect(ctmc.exitCode == 0, "\(ctmc.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ctmc.stdout.utf8)) as? [String: Any])
        #expect(json["kind"] as? String == "simulate-gate-route")
        #expect(abs((json["revenueOptimum"] as? Double ?? 0) - 297.70) < 0.01)
        #expect(json["horizonSeconds"] as? Double == 400 && json["warmupSeconds"] as? Double == 100)
        let rows = try #require(json["rows"] as? [[String: Any]])
        #expect(rows.map { $0["policy"] as? String } == ["gate-and-route", "fi-wsp"])
        for row in rows {
            let ratio = try #require(row["ratioToOptimum"] as? Double)
            #expect(ratio > 0.5 && ratio < 1.1)
            let revenue = try #require(row["revenuePerGPU"] as? [String: Any])
            #expect(revenue["std"] is Double && revenue["samples"] as? Int == 2)
            #expect(row["averageTPOTSeconds"] is Double && row["decodeBuffer"] is Double)
        }
        let token = try CLIRunner.run(["simulate", "gate-route", path, "--fidelity", "token", "--policies", "gate-and-route", "--horizon", "300"])
        #expect(token.exitCode == 0, "\(token.stderr)")
        #expect(token.stdout.contains("token level: R* = 297.70"))
    }

    /// Decode back-pressure and square-root staffing: m = 10·0.21321 = 2.13, M = ⌈2.13 + √2.13⌉ = 4
    /// mixed GPUs instead of ⌈2.13⌉ = 3; work-sharing baselines keep every GPU mixed.
    @Test func finiteNOptions() throws {
        let path = try TemporaryFiles.file(GateRoutePlanCommandTests.scenario + "\nsimulation: {horizon: 200, warmup: 50, seeds: 1, gpus: [10]}\n")
        let plain = try CLIRunner.run(["simulate", "gate-route", path, "--policies", "gate-and-route", "--json"])
        let tuned = try CLIRunner.run([
            "simulate", "gate-route", path, "--policies", "gate-and-route,gf-wsp", "--rationed", "when-decode-idle",
            "--staffing", "1", "--json",
        ])
        #expect(plain.exitCode == 0 && tuned.exitCode == 0, "\(plain.stderr)\(tuned.stderr)")
        let plainJSON = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any])
        let tunedJSON = try #require(try JSONSerialization.jsonObject(with: Data(tuned.stdout.utf8)) as? [String: Any])
        #expect((plainJSON["rows"] as? [[String: Any]])?.first?["mixedGPUs"] as? Int == 3)
        #expect((tunedJSON["rows"] as? [[String: Any]])?.map { $0["mixedGPUs"] as? Int } == [4, 10])
        #expect(tunedJSON["rationedClasses"] as? String == "when-decode-idle" && tunedJSON["staffing"] as? Double == 1)
        let text = try CLIRunner.run(["simulate", "gate-route", path, "--policies", "gate-and-route", "--staffing", "0.5"])
        #expect(text.stdout.contains("κ = 0.50"))
        let badMode = try CLIRunner.run(["simulate", "gate-route", path, "--rationed", "sometimes"])
        #expect(badMode.exitCode == 2 && badMode.stderr.contains("--rationed"), "\(badMode.stderr)")
        let badKappa = try CLIRunner.run(["simulate", "gate-route", path, "--staffing=-1"])
        #expect(badKappa.exitCode == 2 && badKappa.stderr.contains("--staffing must be >= 0"), "\(badKappa.stderr)")
    }

    @Test func unknownPoliciesAreRejected() throws {
        let path = try TemporaryFiles.file(GateRoutePlanCommandTests.scenario)
        let output = try CLIRunner.run(["simulate", "gate-route", path, "--policies", "gate-and-rout"])
        #expect(output.exitCode == 2)
        #expect(output.stderrLines.count == 1)
        #expect(output.stderr.hasPrefix("error: The value 'gate-and-rout' is invalid for '--policies <policies>': "
            + "unknown value 'gate-and-rout' (did you mean 'gate-and-route'?); choose from: gate-and-route, "), "\(output.stderr)")
        let token = try CLIRunner.run(["simulate", "gate-route", path, "--fidelity", "token", "--policies", "gf-wsp"])
        #expect(token.exitCode == 2)
        #expect(token.stderr == "error: policy 'gf-wsp' is not available at fidelity token; choose from: "
            + "gate-and-route, prioritize-and-route, sli-aware, fi-wsp, gi-wsp, fg-sp\n")
        let fidelity = try CLIRunner.run(["simulate", "gate-route", path, "--fidelity", "tokn"])
        #expect(fidelity.exitCode == 2 && fidelity.stderr.contains("unknown value 'tokn' (did you mean 'token'?)"), "\(fidelity.stderr)")
    }
}
