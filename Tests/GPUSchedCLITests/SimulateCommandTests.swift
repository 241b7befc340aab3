import Foundation
import Testing

/// `gpusched simulate` end to end: output contract and bad input.
@Suite struct SimulateCommandTests {
    static let scenario = """
        kind: simulate
        model: llama-3.1-8b
        replicas: [{gpu: H100-80GB, tp: 1, count: 2}]
        engine: {batchSize: 32, chunkSize: 512}
        workload:
          classes:
            - {name: chat, arrivalRate: 4, promptTokens: {lognormal: {mean: 500, sd: 200}}, outputTokens: {exponential: {mean: 100}}}
            - {name: batch, arrivalRate: 1, promptTokens: 2000, outputTokens: 50}
        horizon: 200
        warmup: 20
        seeds: 2
        slo: {ttft: 1.0, tpot: 0.05}
        """

    @Test func jsonContract() throws {
        let path = try CLIRunner.temporaryFile(Self.scenario)
        let output = try CLIRunner.run(["simulate", path, "--json"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect((json["seeds"] as? [Int]) == [1, 2])
        #expect((json["eventsPerSecond"] as? Double ?? 0) > 0)
        let overall = try #require(json["overall"] as? [String: Any])
        let classes = try #require(json["classes"] as? [[String: Any]])
        #expect(classes.map { $0["name"] as? String } == ["chat", "batch"])
        for report in classes + [overall] {
            for latency in ["ttft", "tpot", "e2e"] {
                let summary = try #require(report[latency] as? [String: Any], "\(latency)")
                for key in ["mean", "p50", "p90", "p95", "p99"] { #expect(summary[key] is Double, "\(latency).\(key)") }
                let p50 = summary["p50"] as! Double, p99 = summary["p99"] as! Double
                #expect(p50 <= p99)
            }
            for key in ["throughputRequests", "throughputTokens", "sloAttainment"] { #expect(report[key] is Double, "\(key)") }
            for key in ["completed", "abandoned"] { #expect(report[key] is Int, "\(key)") }
        }
        // Throughput close to the offered 5 req/s (the system is far from saturation).
        let throughput = overall["throughputRequests"] as! Double
        #expect(abs(throughput - 5) < 0.75)
    }

    @Test func textOutputAndPolicyOverride() throws {
        let path = try CLIRunner.temporaryFile(Self.scenario)
        let output = try CLIRunner.run(["simulate", path, "--policy", "round-robin", "--seeds", "1"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        #expect(output.stdout.contains("policy round-robin"))
        #expect(output.stdout.contains("TTFT mean ms"))
        let bad = try CLIRunner.run(["simulate", path, "--policy", "round-robbin"])
        #expect(bad.exitCode == 2)
        #expect(bad.stderr.contains("did you mean 'round-robin'"))
    }

    @Test func badScenariosAreReportedWithKeyPaths() throws {
        let text = Self.scenario
            .replacingOccurrences(of: "arrivalRate: 4", with: "arrivalRate: -4")
            .replacingOccurrences(of: "{gpu: H100-80GB, tp: 1, count: 2}", with: "{gpu: A100-40GB, tp: 1, count: 2}")
            .replacingOccurrences(of: "model: llama-3.1-8b", with: "model: llama-3.1-70b")
        let output = try CLIRunner.run(["simulate", try CLIRunner.temporaryFile(text)])
        #expect(output.exitCode == 2)
        #expect(output.stderrLines.contains { $0.hasPrefix("error: workload.classes[0].arrivalRate: must be > 0, got -4") })
        #expect(output.stderrLines.contains {
            $0.hasPrefix("error: replicas[0]: llama-3.1-70b on 1×A100-40GB (TP1·PP1) does not fit: weights need 131.5 GiB per GPU, only 34.7 GiB usable")
        })
        #expect(!output.stderr.contains("Fatal error"))
    }

    @Test func emptyClassesAndZeroLengths() throws {
        let empty = Self.scenario.replacingOccurrences(
            of: "  classes:\n    - {name: chat, arrivalRate: 4, promptTokens: {lognormal: {mean: 500, sd: 200}}, outputTokens: {exponential: {mean: 100}}}\n    - {name: batch, arrivalRate: 1, promptTokens: 2000, outputTokens: 50}",
            with: "  classes: []")
        let emptyOutput = try CLIRunner.run(["simulate", try CLIRunner.temporaryFile(empty)])
        #expect(emptyOutput.exitCode == 2)
        #expect(emptyOutput.stderr.contains("workload.classes"))
        let zero = Self.scenario.replacingOccurrences(of: "outputTokens: 50", with: "outputTokens: 0")
        let zeroOutput = try CLIRunner.run(["simulate", try CLIRunner.temporaryFile(zero)])
        #expect(zeroOutput.exitCode == 2)
        #expect(zeroOutput.stderr.contains("workload.classes[1].outputTokens"))
    }

    @Test func unsortedTraceIsRejected() throws {
        let trace = try CLIRunner.temporaryFile("arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,100,10\n2.0,100,10\n1.0,100,10\n", extension: "csv")
        let text = Self.scenario.replacingOccurrences(
            of: "  classes:\n    - {name: chat, arrivalRate: 4, promptTokens: {lognormal: {mean: 500, sd: 200}}, outputTokens: {exponential: {mean: 100}}}\n    - {name: batch, arrivalRate: 1, promptTokens: 2000, outputTokens: 50}",
            with: "  trace: \(trace)")
        let output = try CLIRunner.run(["simulate", try CLIRunner.temporaryFile(text)])
        #expect(output.exitCode == 2)
        #expect(output.stderr.contains("line 4"), "\(output.stderr)")
    }
}

/// A heterogeneous fleet: two models on two GPU types behind one router.
@Test func heterogeneousFleetRuns() throws {
    let text = SimulateCommandTests.scenario.replacingOccurrences(
        of: "replicas: [{gpu: H100-80GB, tp: 1, count: 2}]",
        with: "replicas: [{gpu: H100-80GB, tp: 1, count: 2}, {gpu: A100-80GB, tp: 2, count: 1, model: qwen3-32b}]")
    let output = try CLIRunner.run(["simulate", try CLIRunner.temporaryFile(text), "--json", "--seeds", "1"])
    #expect(output.exitCode == 0, "\(output.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    #expect(json["replicas"] as? Int == 3)
    let bad = text.replacingOccurrences(of: "model: qwen3-32b", with: "model: qwen3-23b")
    let badOutput = try CLIRunner.run(["simulate", try CLIRunner.temporaryFile(bad)])
    #expect(badOutput.exitCode == 2)
    #expect(badOutput.stderr.contains("replicas[1].model: unknown model 'qwen3-23b' (did you mean 'qwen3-32b'"))
}
