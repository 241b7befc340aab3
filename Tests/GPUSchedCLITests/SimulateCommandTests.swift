import Foundation
import Testing
import GPUSchedTestSupport

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

    /// The documented `--json` keys (README, "Metrics"): every latency summary has exactly these,
    /// every class report at least these.
    static let summaryKeys: Set<String> = ["mean", "p50", "p90", "p95", "p99", "maximum", "count", "cdf"]
    static let reportKeys: Set<String> = [
        "name", "ttftSeconds", "tpotSeconds", "e2eSeconds", "queueDelaySeconds", "throughputRequests", "throughputTokens", "outputTokensPerSecond",
        "goodput", "sloAttainment", "completed", "abandoned", "arrived", "preemptions", "meanTimeInSystemSeconds",
    ]

    @Test func jsonContract() throws {
        let path = try TemporaryFiles.file(Self.scenario)
        let output = try CLIRunner.run(["simulate", path, "--json"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(Set(json.keys).isSuperset(of: [
            "overall", "classes", "overallConfidence", "classConfidence", "seeds", "policy", "replicas", "eventsPerSecond", "runs",
        ]))
        #expect((json["seeds"] as? [Int]) == [1, 2])
        #expect(json["policy"] as? String == "least-outstanding")
        #expect(json["replicas"] as? Int == 2)
        #expect((json["runs"] as? [Any])?.count == 2)
        let overall = try #require(json["overall"] as? [String: Any])
        let classes = try #require(json["classes"] as? [[String: Any]])
        #expect(classes.map { $0["name"] as? String } == ["chat", "batch"])
        for report in classes + [overall] {
            #expect(Set(report.keys).isSuperset(of: Self.reportKeys), "\(report.keys.sorted())")
            for latency in ["ttftSeconds", "tpotSeconds", "e2eSeconds", "queueDelaySeconds"] {
                let summary = try #require(report[latency] as? [String: Any], "\(latency)")
                #expect(Set(summary.keys) == Self.summaryKeys, "\(latency)")
            }
        }
        // Throughput close to the offered 5 req/s (the system is far from saturation), and the
        // classes add up to the whole.
        let throughput = try #require(overall["throughputRequests"] as? Double)
        #expect(abs(throughput - 5) < 0.75)
        let completed = try classes.map { try #require($0["completed"] as? Int) }
        #expect(try completed.reduce(0, +) == #require(overall["completed"] as? Int))
    }

    /// Requests 100 s apart on one replica never share it, and the fitted law τ(b) = c + a·(b − b0)⁺
    /// with α = 0.01, β = 1e-4, γ = 50 (c = 0.02 s, a = 1e-4 s, b0 = 100) gives every latency in
    /// closed form. chat (prompt 500, output 101): TTFT τ(500) = 0.06, then 100 decodes of
    /// c = 0.02: E2E 2.06, TPOT 0.02. batch (prompt 1000 in chunks of 512 and 488, output 51): TTFT
    /// τ(512) + τ(488) = 0.0612 + 0.0588 = 0.12, E2E 1.12, TPOT 0.02. Two of each over 400 s;
    /// SLO TTFT ≤ 0.1 s: chat meets it, batch does not. Percentiles are within 0.5 % (log buckets)
    /// and never beyond the exact minimum and maximum.
    @Test func jsonValuesOfADeterministicTrace() throws {
        let trace = try TemporaryFiles.file(
            "arrived_at,num_prefill_tokens,num_decode_tokens,class\n0,500,101,chat\n100,1000,51,batch\n200,500,101,chat\n300,1000,51,batch\n",
            extension: "csv")
        let text = """
            kind: simulate
            model: llama-3.1-8b
            replicas: [{gpu: H100-80GB, tp: 1, count: 1}]
            engine: {batchSize: 8, chunkSize: 512, alpha: 0.01, beta: 1e-4, gamma: 50}
            workload: {trace: \(trace)}
            horizon: 400
            seeds: 1
            slo: {ttft: 0.1, tpot: 0.05}
            """
        let output = try CLIRunner.run(["simulate", try TemporaryFiles.file(text), "--json"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let overall = try #require(json["overall"] as? [String: Any])
        let classes = try #require(json["classes"] as? [[String: Any]])
        #expect(classes.map { $0["name"] as? String } == ["chat", "batch"])
        func value(_ report: [String: Any], _ key: String) throws -> Double { try #require(report[key] as? Double, "\(key)") }
        func latency(_ report: [String: Any], _ key: String) throws -> [String: Double] {
            try #require(report[key] as? [String: Any], "\(key)").compactMapValues { $0 as? Double }
        }
        func cdf(_ report: [String: Any], _ key: String) throws -> [(fraction: Double, seconds: Double)] {
            let summary = try #require(report[key] as? [String: Any], "\(key)")
            let points = try #require(summary["cdf"] as? [[String: Double]], "\(key).cdf")
            return points.compactMap { point in point["fraction"].flatMap { f in point["seconds"].map { (f, $0) } } }
        }
        func near(_ actual: Double?, _ expected: Double, relative: Double = 1e-9) -> Bool {
            guard let actual else { return false }
            return abs(actual - expected) <= relative * expected + 1e-12
        }
        // Overall: TTFT {0.06, 0.06, 0.12, 0.12}, E2E {1.12, 1.12, 2.06, 2.06}, TPOT all 0.02.
        let ttft = try latency(overall, "ttftSeconds"), e2e = try latency(overall, "e2eSeconds"), tpot = try latency(overall, "tpotSeconds")
        #expect(near(ttft["mean"], 0.09) && near(ttft["maximum"], 0.12), "\(ttft)")
        #expect(near(ttft["p50"], 0.06, relative: 0.005) && near(ttft["p99"], 0.12, relative: 0.005), "\(ttft)")
        #expect(near(e2e["mean"], 1.59) && near(e2e["maximum"], 2.06), "\(e2e)")
        #expect(near(e2e["p50"], 1.12, relative: 0.005) && near(e2e["p99"], 2.06, relative: 0.005), "\(e2e)")
        #expect(["mean", "p50", "p99", "maximum"].allSatisfy { near(tpot[$0], 0.02) }, "\(tpot)")
        // The distribution: half the requests at 0.06 s, half at 0.12 s (histogram buckets ±0.5 %,
        // the last point the exact maximum).
        let ttftCDF = try cdf(overall, "ttftSeconds")
        #expect(ttftCDF.count == 26 && ttftCDF.first?.fraction == 0.01 && ttftCDF.last?.fraction == 1)
        #expect(ttftCDF.allSatisfy { near($0.seconds, $0.fraction <= 0.5 ? 0.06 : 0.12, relative: 0.005) }, "\(ttftCDF)")
        #expect(ttftCDF.last?.seconds == ttft["maximum"])
        #expect(try latency(overall, "queueDelaySeconds")["maximum"] == 0)
        #expect(overall["completed"] as? Int == 4 && overall["abandoned"] as? Int == 0)
        #expect(near(try value(overall, "throughputRequests"), 0.01))
        #expect(near(try value(overall, "throughputTokens"), (2 * (500 + 101) + 2 * (1000 + 51)) / 400.0))
        #expect(near(try value(overall, "outputTokensPerSecond"), (2 * 101 + 2 * 51) / 400.0))
        #expect(try value(overall, "sloAttainment") == 0.5)
        #expect(near(try value(overall, "goodput"), 2 / 400.0))
        // Per class: every sample equal, so every percentile is exact.
        let expected: [(ttft: Double, e2e: Double, attainment: Double)] = [(0.06, 2.06, 1), (0.12, 1.12, 0)]
        for (report, want) in zip(classes, expected) {
            let classTTFT = try latency(report, "ttftSeconds"), classE2E = try latency(report, "e2eSeconds")
            #expect(["mean", "p50", "p90", "p99", "maximum"].allSatisfy { near(classTTFT[$0], want.ttft) }, "\(classTTFT)")
            #expect(["mean", "p50", "p90", "p99", "maximum"].allSatisfy { near(classE2E[$0], want.e2e) }, "\(classE2E)")
            #expect(try value(report, "sloAttainment") == want.attainment)
            #expect(near(try value(report, "goodput"), want.attainment * 2 / 400))
        }
    }

    /// `--rate-scale`, `--horizon`, `--warmup` and `--seed` reach the run: the scenario offers
    /// 5 requests/s, so at 3× over a 200 s window about 3,000 arrive (Poisson: ±4σ = ±219), the
    /// window and the seed are the ones asked for; bad values name their flag.
    @Test func horizonWarmupRateScaleAndSeedOverrides() throws {
        let path = try TemporaryFiles.file(Self.scenario)
        let output = try CLIRunner.run([
            "simulate", path, "--rate-scale", "3", "--horizon", "220", "--warmup", "20", "--seed", "9", "--seeds", "1", "--json",
        ])
        #expect(output.exitCode == 0, "\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect((json["seeds"] as? [Int]) == [9])
        let arrived = try #require((json["overall"] as? [String: Any])?["arrived"] as? Int)
        #expect(abs(Double(arrived) - 3000) <= 4 * 3000.0.squareRoot(), "arrived \(arrived)")
        let text = try CLIRunner.run(["simulate", path, "--horizon", "100", "--warmup", "0", "--seeds", "1"])
        #expect(text.stdout.contains("window 0–100 s"), "\(text.stdout)")

        let warmup = try CLIRunner.run(["simulate", path, "--warmup", "300"])
        #expect(warmup.exitCode == 2)
        #expect(warmup.stderrLines == ["error: --warmup: must be less than horizon (200), got 300"])
        let scale = try CLIRunner.run(["simulate", path, "--rate-scale", "0"])
        #expect(scale.exitCode == 2)
        #expect(scale.stderr.contains("--rate-scale"))
    }

    @Test func textOutputAndPolicyOverride() throws {
        let path = try TemporaryFiles.file(Self.scenario)
        let output = try CLIRunner.run(["simulate", path, "--policy", "round-robin", "--seeds", "1"])
        #expect(output.exitCode == 0, "\(output.stderr)")
        #expect(output.stdout.contains("policy round-robin"))
        #expect(output.stdout.contains("TTFT mean ms"))
        let bad = try CLIRunner.run(["simulate", path, "--policy", "round-robbin"])
        #expect(bad.exitCode == 2)
        #expect(bad.stderr.contains("did you mean 'round-robin'"))
    }

    /// 40 GiB × 0.9 = 36 GiB, less the activation peak at the engine's 32 sequences and 512 tokens and
    /// 0.13 GiB of non-torch memory: 35.7 GiB usable, against 131.5 GiB of weights.
    @Test func badScenariosAreReportedWithKeyPaths() throws {
        let text = Self.scenario
            .replacingOccurrences(of: "arrivalRate: 4", with: "arrivalRate: -4")
            .replacingOccurrences(of: "{gpu: H100-80GB, tp: 1, count: 2}", with: "{gpu: A100-40GB, tp: 1, count: 2}")
            .replacingOccurrences(of: "model: llama-3.1-8b", with: "model: llama-3.1-70b")
        let output = try CLIRunner.run(["simulate", try TemporaryFiles.file(text)])
        #expect(output.exitCode == 2)
        #expect(output.stderrLines.contains { $0.hasPrefix("error: workload.classes[0].arrivalRate: must be > 0, got -4") })
        #expect(output.stderrLines.contains {
            $0.hasPrefix("error: replicas[0]: llama-3.1-70b on 1×A100-40GB (TP1·PP1) does not fit: weights need 131.5 GiB per GPU, only 35.7 GiB usable")
        })
        #expect(!output.stderr.contains("Fatal error"))
    }

    @Test func emptyClassesAndZeroLengths() throws {
        let empty = Self.scenario.replacingOccurrences(
            of: "  classes:\n    - {name: chat, arrivalRate: 4, promptTokens: {lognormal: {mean: 500, sd: 200}}, outputTokens: {exponential: {mean: 100}}}\n    - {name: batch, arrivalRate: 1, promptTokens: 2000, outputTokens: 50}",
            with: "  classes: []")
        let emptyOutput = try CLIRunner.run(["simulate", try TemporaryFiles.file(empty)])
        #expect(emptyOutput.exitCode == 2)
        #expect(emptyOutput.stderr.contains("workload.classes"))
        let zero = Self.scenario.replacingOccurrences(of: "outputTokens: 50", with: "outputTokens: 0")
        let zeroOutput = try CLIRunner.run(["simulate", try TemporaryFiles.file(zero)])
        #expect(zeroOutput.exitCode == 2)
        #expect(zeroOutput.stderr.contains("workload.classes[1].outputTokens"))
    }

    @Test func unsortedTraceIsRejected() throws {
        let trace = try TemporaryFiles.file("arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,100,10\n2.0,100,10\n1.0,100,10\n", extension: "csv")
        let text = Self.scenario.replacingOccurrences(
            of: "  classes:\n    - {name: chat, arrivalRate: 4, promptTokens: {lognormal: {mean: 500, sd: 200}}, outputTokens: {exponential: {mean: 100}}}\n    - {name: batch, arrivalRate: 1, promptTokens: 2000, outputTokens: 50}",
            with: "  trace: \(trace)")
        let output = try CLIRunner.run(["simulate", try TemporaryFiles.file(text)])
        #expect(output.exitCode == 2)
        #expect(output.stderr.contains("line 4"), "\(output.stderr)")
    }
}

/// A heterogeneous fleet: two models on two GPU types behind one router.
@Test func heterogeneousFleetRuns() throws {
    let text = SimulateCommandTests.scenario.replacingOccurrences(
        of: "replicas: [{gpu: H100-80GB, tp: 1, count: 2}]",
        with: "replicas: [{gpu: H100-80GB, tp: 1, count: 2}, {gpu: A100-80GB, tp: 2, count: 1, model: qwen3-32b}]")
    let output = try CLIRunner.run(["simulate", try TemporaryFiles.file(text), "--json", "--seeds", "1"])
    #expect(output.exitCode == 0, "\(output.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    #expect(json["replicas"] as? Int == 3)
    // Offered 5 req/s over the 180 s window: the arrivals are Poisson(900), within ±4σ = ±120 of it.
    // The fleet keeps up: nothing abandons, every measured arrival completes, so the throughput is
    // exactly arrivals / window and each class completes what it was sent.
    let overall = try #require(json["overall"] as? [String: Any])
    let arrived = try #require(overall["arrived"] as? Int)
    #expect(abs(arrived - 900) <= 120, "\(arrived) arrivals")
    #expect(overall["completed"] as? Int == arrived && overall["abandoned"] as? Int == 0)
    #expect(abs(try #require(overall["throughputRequests"] as? Double) - Double(arrived) / 180) < 1e-9)
    for report in try #require(json["classes"] as? [[String: Any]]) {
        #expect(report["completed"] as? Int == report["arrived"] as? Int, "\(report["name"] ?? "")")
    }
    let bad = text.replacingOccurrences(of: "model: qwen3-32b", with: "model: qwen3-23b")
    let badOutput = try CLIRunner.run(["simulate", try TemporaryFiles.file(bad)])
    #expect(badOutput.exitCode == 2)
    #expect(badOutput.stderr.contains("replicas[1].model: unknown model 'qwen3-23b' (did you mean 'qwen3-32b'"))
}
