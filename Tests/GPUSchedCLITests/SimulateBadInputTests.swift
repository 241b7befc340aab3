import Foundation
import Testing
import GPUSchedTestSupport

/// Malformed and oversized input to `simulate`, `simulate gate-route`, `plan gate-route` and
/// `bench simulator`: exit code 2 and the exact line, never a trap or a runaway run.
@Suite struct SimulateBadInputTests {
    static let fleet = """
        kind: simulate
        model: llama-3.1-8b
        replicas: [{gpu: H100-80GB, tp: 1, count: 2}]
        engine: {batchSize: 32, chunkSize: 512}
        workload:
          classes:
            - {name: chat, arrivalRate: 4, promptTokens: 500, outputTokens: 50}
        horizon: 100
        """

    static let gateRoute = GateRoutePlanCommandTests.scenario + "\nsimulation: {horizon: 1000, warmup: 100, seeds: 1, gpus: [5]}"

    /// Runs `arguments` with the scenario `text` written to a file in place of FILE.
    private func run(_ text: String, _ arguments: [String]) throws -> CLIRunner.Output {
        let path = try TemporaryFiles.file(text)
        return try CLIRunner.run(arguments.map { $0 == "FILE" ? path : $0 })
    }

    /// Exit code 2 and exactly `lines` on stderr.
    private func expectBadInput(_ output: CLIRunner.Output, _ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(output.exitCode == 2, "\(output.stderr)", sourceLocation: sourceLocation)
        #expect(output.stderrLines == lines, sourceLocation: sourceLocation)
    }

    @Test func hugeNumbersAreRangeChecked() throws {
        expectBadInput(
            try run(Self.fleet.replacingOccurrences(of: "promptTokens: 500", with: "promptTokens: 1e15"), ["simulate", "FILE"]),
            ["error: workload.classes[0].promptTokens: must be <= 10000000, got 1e+15"])
        expectBadInput(
            try run(Self.fleet.replacingOccurrences(of: "batchSize: 32", with: "batchSize: 1e15"), ["simulate", "FILE"]),
            ["error: engine.batchSize: must be <= 65536, got 1e+15"])
        expectBadInput(
            try run(Self.fleet.replacingOccurrences(of: "chunkSize: 512", with: "chunkSize: 1e15"), ["simulate", "FILE"]),
            ["error: engine.chunkSize: must be <= 10000000, got 1e+15"])
        expectBadInput(
            try run(Self.fleet.replacingOccurrences(of: "count: 2", with: "count: 1e9"), ["simulate", "FILE"]),
            ["error: replicas[0].count: must be <= 100000, got 1000000000"])
    }

    /// The replica scheduler keys: an unknown rule (with a suggestion), a block size or watermark
    /// out of range, and vllm-v1 with a token budget below the batch size.
    @Test func schedulerKeysAreChecked() throws {
        func engine(_ keys: String) -> String {
            Self.fleet.replacingOccurrences(of: "engine: {batchSize: 32, chunkSize: 512}", with: "engine: {batchSize: 32, chunkSize: 512, \(keys)}")
        }
        expectBadInput(try run(engine("scheduler: vllm-v2"), ["simulate", "FILE"]), [
            "error: engine.scheduler: unknown value 'vllm-v2' (did you mean 'vllm-v0', 'vllm-v1'?); expected one of: "
                + "vllm-v1, vllm-v0, sarathi, single-chunk",
        ])
        expectBadInput(try run(engine("blockSize: 0"), ["simulate", "FILE"]), ["error: engine.blockSize: must be >= 1, got 0"])
        expectBadInput(try run(engine("blockSize: 4096"), ["simulate", "FILE"]), ["error: engine.blockSize: must be <= 1024, got 4096"])
        expectBadInput(try run(engine("watermark: -0.1"), ["simulate", "FILE"]), ["error: engine.watermark: must be between 0 and 1, got -0.1"])
        expectBadInput(
            try run(engine("watermark: 1"), ["simulate", "FILE"]),
            ["error: engine.watermark: must be below 1 (the fraction of KV blocks kept free on admission), got 1"])
        expectBadInput(
            try run(Self.fleet.replacingOccurrences(of: "chunkSize: 512", with: "chunkSize: 16"), ["simulate", "FILE"]),
            ["error: engine.chunkSize: vllm-v1 needs chunkSize >= batchSize (every running request gets a token each iteration; "
                + "vLLM refuses max_num_batched_tokens < max_num_seqs), got 16 < 32"])
        let sarathi = try run(
            Self.fleet.replacingOccurrences(of: "chunkSize: 512", with: "chunkSize: 16, scheduler: sarathi"), ["simulate", "FILE"])
        #expect(sarathi.exitCode == 0, "\(sarathi.stderr)")
    }

    /// A replica group's own `engine:` is checked like the scenario's, with its key path, and the
    /// keys it inherits take part in the checks (vllm-v1's chunkSize >= batchSize).
    @Test func groupEngineKeysAreChecked() throws {
        func group(_ engine: String) -> String {
            Self.fleet.replacingOccurrences(
                of: "[{gpu: H100-80GB, tp: 1, count: 2}]", with: "[{gpu: H100-80GB, tp: 1, count: 2, engine: \(engine)}]")
        }
        expectBadInput(try run(group("{scheduler: vllm-v2}"), ["simulate", "FILE"]), [
            "error: replicas[0].engine.scheduler: unknown value 'vllm-v2' (did you mean 'vllm-v0', 'vllm-v1'?); expected one of: "
                + "vllm-v1, vllm-v0, sarathi, single-chunk",
        ])
        expectBadInput(try run(group("{batchSize: 1024}"), ["simulate", "FILE"]), [
            "error: replicas[0].engine.chunkSize: vllm-v1 needs chunkSize >= batchSize (every running request gets a token each "
                + "iteration; vLLM refuses max_num_batched_tokens < max_num_seqs), got 512 < 1024",
        ])
        expectBadInput(try run(group("5"), ["simulate", "FILE"]), ["error: replicas[0].engine: must be a mapping of keys to values, got a number"])
        let override = try run(group("{batchSize: 16, scheduler: vllm-v0}"), ["simulate", "FILE"])
        #expect(override.exitCode == 0, "\(override.stderr)")
    }

    /// Problems in model, engine, workload and replicas all come out in one run.
    @Test func everyProblemInOneRun() throws {
        let text = Self.fleet
            .replacingOccurrences(of: "model: llama-3.1-8b", with: "model: llama-9")
            .replacingOccurrences(of: "batchSize: 32", with: "batchSize: -1")
            .replacingOccurrences(
                of: "[{gpu: H100-80GB, tp: 1, count: 2}]",
                with: "[{gpu: H100-8GB, tp: 1, count: 0}, {gpu: H100-80GB, tp: 100, count: 1}]")
        expectBadInput(try run(text, ["simulate", "FILE"]), [
            "error: model: unknown model 'llama-9'",
            "error: engine.batchSize: must be >= 1, got -1",
            "error: replicas[0].gpu: unknown GPU 'H100-8GB' (did you mean 'H100-80GB', 'A100-80GB'?)",
            "error: replicas[0].count: must be >= 1, got 0",
            "error: replicas[1].tp: must be <= 64, got 100",
        ])
    }

    /// Work beyond the default limit is refused before it starts, naming the estimate, the limit and the flags.
    @Test func runawayWorkIsRefused() throws {
        let flags = "raise it with --max-requests N or --allow-large"
        let counted = "simulated requests (Σ arrivalRate × horizon × seeds, + 2 + burstiness² per class)"
        expectBadInput(
            try run(Self.fleet.replacingOccurrences(of: "arrivalRate: 4", with: "arrivalRate: 1e9"), ["simulate", "FILE"]),
            ["error: workload.classes[0].arrivalRate: must be <= 1000000, got 1000000000"])
        // 1e5 × 100 s + 3 = 10,000,003 requests, within the rate's bound but over the default limit.
        expectBadInput(
            try run(Self.fleet.replacingOccurrences(of: "arrivalRate: 4", with: "arrivalRate: 1e5"), ["simulate", "FILE"]),
            ["error: workload: about 10000003 \(counted), over the limit of 5000000; \(flags)"])
        expectBadInput(
            try run(Self.fleet.replacingOccurrences(of: "arrivalRate: 4", with: "arrivalRate: 4, burstiness: 1e6"), ["simulate", "FILE"]),
            ["error: workload.classes[0].burstiness: must be <= 100, got 1000000"])
        // Burstiness 100: 4 × 100 + 2 + 100² = 10,402 requests, over a limit of 10,000.
        expectBadInput(
            try run(Self.fleet.replacingOccurrences(of: "arrivalRate: 4", with: "arrivalRate: 4, burstiness: 100"),
                    ["simulate", "FILE", "--max-requests", "10000"]),
            ["error: workload: about 10402 \(counted), over the limit of 10000; \(flags)"])
        expectBadInput(
            try run(Self.fleet.replacingOccurrences(of: "horizon: 100", with: "horizon: 1e12"), ["simulate", "FILE"]),
            ["error: workload: about 4e+12 \(counted), over the limit of 5000000; \(flags)"])
        // 4 × 100 + 3 = 403 requests per seed: 20 seeds are 8,060, over a limit of 8,000.
        expectBadInput(
            try run(Self.fleet, ["simulate", "FILE", "--seeds", "20", "--max-requests", "8000"]),
            ["error: workload: about 8060 \(counted), over the limit of 8000; \(flags)"])
        // 1e8 × 2 models + the seeds in parallel (8 seeds of 1e8 / 40, once with jobs 1 and once with all): 2.4e8.
        expectBadInput(
            try run("", ["bench", "simulator", "--requests", "100000000"]),
            ["error: --requests: about 240000000 simulated requests (--requests × 2 iteration-time models + the "
                + "seeds-in-parallel runs, per repeat), over the limit of 5000000; \(flags)"])
    }

    /// A trace of five requests, two with prompts above the set KV capacity of 1,000 tokens: exactly
    /// two rejected (not abandoned), with the reason, in JSON, in the table and as one warning. The
    /// cache holds ⌊1000 / 16⌋ = 62 blocks of 16 tokens: 992 tokens available.
    @Test func oversizedRequestsAreRejectedWithAWarning() throws {
        let trace = try TemporaryFiles.file(
            "arrived_at,num_prefill_tokens,num_decode_tokens\n0,100,10\n1,200000,10\n2,300,10\n3,500000,10\n4,50,10\n",
            extension: "csv")
        let text = Self.fleet
            .replacingOccurrences(of: "engine: {batchSize: 32, chunkSize: 512}", with: "engine: {batchSize: 32, chunkSize: 512, kvCapacityTokens: 1000}")
            .replacingOccurrences(
                of: "  classes:\n    - {name: chat, arrivalRate: 4, promptTokens: 500, outputTokens: 50}", with: "  trace: \(trace)")
        let warning = "warning: 2 requests were rejected and never served (all seeds, warm-up included): 2 with a prompt "
            + "larger than the replica's whole KV cache (up to 500000 tokens needed, 992 available)"
        let json = try run(text, ["simulate", "FILE", "--json"])
        #expect(json.exitCode == 0, "\(json.stderr)")
        #expect(json.stderrLines == [warning])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let overall = try #require(object["overall"] as? [String: Any])
        #expect(overall["arrived"] as? Int == 5)
        #expect(overall["completed"] as? Int == 3)
        #expect(overall["abandoned"] as? Int == 0)
        #expect(overall["rejected"] as? Int == 2)
        let reasons = try #require(overall["rejectedByReason"] as? [String: Any])
        #expect(reasons.count == 1)
        #expect(reasons["promptAboveKVCapacity"] as? Int == 2)
        let table = try run(text, ["simulate", "FILE"])
        #expect(table.exitCode == 0)
        #expect(table.stderrLines == [warning])
        #expect(table.stdout.contains("rejected: 2 requests (all seeds, warm-up included) with a prompt larger than the "
            + "replica's whole KV cache (up to 500,000 tokens needed, 992 available)"))
        let overallRow = try #require(table.stdout.split(separator: "\n").last { $0.hasPrefix("overall") && $0.contains("%") })
        #expect(overallRow.split(separator: " ").prefix(4) == ["overall", "3", "0", "2"])
    }

    @Test func gateRouteNumbersAndLawAreCheckedWhereRead() throws {
        let prompt = Self.gateRoute.replacingOccurrences(of: "promptTokens: 300,", with: "promptTokens: 1e15,")
        for arguments in [["plan", "gate-route", "FILE"], ["simulate", "gate-route", "FILE"]] {
            expectBadInput(try run(prompt, arguments), ["error: classes[0].promptTokens: must be <= 10000000, got 1e+15"])
        }
        let law = Self.gateRoute.replacingOccurrences(of: "alpha: 0.0174", with: "alpha: 1")
        expectBadInput(try run(law, ["simulate", "gate-route", "FILE", "--fidelity", "token"]), [
            "error: engine: alpha (1 s) must be <= 1/gamma (0.022002200220022 s), so that the knee b0 = (1/gamma - alpha)/beta is >= 0",
        ])
    }

    /// 1e6 GPUs × 1 arrival per GPU-second × 1,000 s × 8 policies = 8e9 CTMC arrivals, 8e7 request-equivalents.
    @Test func gateRouteClusterSizes() throws {
        let refusal = "about 80000000 request-equivalents (CTMC arrivals n·Σλ·T × policies × seeds over every n, 100 to a "
            + "request), over the limit of 5000000; raise it with --max-requests N or --allow-large"
        expectBadInput(try run(Self.gateRoute, ["simulate", "gate-route", "FILE", "--gpus", "1000000"]), ["error: --gpus: \(refusal)"])
        expectBadInput(
            try run(Self.gateRoute.replacingOccurrences(of: "gpus: [5]", with: "gpus: [1000000]"), ["simulate", "gate-route", "FILE"]),
            ["error: simulation: \(refusal)"])
        expectBadInput(
            try run(Self.gateRoute, ["simulate", "gate-route", "FILE", "--gpus", ""]),
            ["error: --gpus: give at least one cluster size, e.g. --gpus 50,500"])
        for size in ["0", "-3", "2000000", "x"] {
            expectBadInput(
                try run(Self.gateRoute, ["simulate", "gate-route", "FILE", "--gpus=5,\(size)"]),
                ["error: --gpus: '\(size)' is not a whole number of GPUs between 1 and 1000000"])
        }
        expectBadInput(
            try run(Self.gateRoute.replacingOccurrences(of: "batchSize: 16", with: "batchSize: 60000"), [
                "simulate", "gate-route", "FILE", "--gpus", "100000", "--max-requests", "1e12",
            ]),
            ["error: --gpus: the CTMC on 100000 GPUs (state arrays, and every arrival of a run waiting at worst) needs about "
                + "92 GiB of memory, over the limit of 8.0 GiB; raise it with --max-memory GIB or --allow-large"])
    }

    @Test func numericallyHopelessLPIsBadInput() throws {
        let text = """
            kind: gate-route
            gpus: 500
            engine: {batchSize: 65536, chunkSize: 10000000, alpha: 1e-6, beta: 1e-12, gamma: 1e6}
            pricing: {scheme: separate, prefillPrice: 1e6, decodePrice: 1e-6}
            classes:
              - {name: a, promptTokens: 1e7, decodeTokens: 1, arrivalRate: 1e6, abandonmentRate: 1e6}
              - {name: b, promptTokens: 3000, decodeTokens: 400, arrivalRate: 0.5, abandonmentRate: 0.1}
            sli: {maxAverageTPOT: 1e6, prefillFairness: {penalty: 1e6}}
            """
        let output = try run(text, ["plan", "gate-route", "FILE", "--no-evaluate"])
        #expect(output.exitCode == 2)
        #expect(output.stderrLines.count == 1)
        #expect(output.stderrLines.first?.hasPrefix("error: numerically hopeless model: the gate-and-route LP could not be solved") == true)
        // With the evaluation on, its work (10^6 arrivals/s at n = 500) is refused before any solve.
        let evaluated = try run(text, ["plan", "gate-route", "FILE"])
        #expect(evaluated.exitCode == 2)
        #expect(evaluated.stderrLines.count == 1 && evaluated.stderrLines[0].hasPrefix("error: simulation: about 2e+12 request-equivalents"))
    }
}
