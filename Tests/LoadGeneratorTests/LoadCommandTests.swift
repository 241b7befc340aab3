import Foundation
import GPUSchedTestSupport
import Testing

/// `gpusched load` as a user runs it: against the in-process fake server, an unreachable target,
/// and bad input.
@Suite(.serialized) struct LoadCommandTests {
    /// Runs the built CLI on a thread of its own, so the in-process server keeps the task pool.
    static func gpusched(_ arguments: [String]) async throws -> CLIRunner.Output {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do { continuation.resume(returning: try CLIRunner.run(arguments, workingDirectory: Repository.root)) } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The scenario's requests in the first 4 s reach the server; the load report counts as arrived
    /// in its window exactly what `gpusched simulate` counts for the same file and seed, and its
    /// JSON matches schemas/load.schema.json.
    @Test func scenarioRunMeasuresTheSimulatorsRequests() async throws {
        let server = FakeOpenAIServer(firstToken: .milliseconds(10), perToken: .milliseconds(1))
        let example = Repository.example("live-agreement.yaml")
        let output = try await server.run { url, arrivals in
            let output = try await Self.gpusched(["load", example, "--target", url, "--duration", "4", "--warmup", "1", "--json"])
            #expect(arrivals.all.count == (try Self.object(output.stdout))["sent"] as? Int)
            return output
        }
        #expect(output.exitCode == 0, "\(output.stderr)")
        #expect(try SchemaValidator.problems(in: output.stdout) == [])
        let load = try Self.object(output.stdout)
        let overall = try #require(load["overall"] as? [String: Any])
        let simulated = try await Self.gpusched(["simulate", example, "--horizon", "4", "--warmup", "1", "--seeds", "1", "--json"])
        let simulatedOverall = try #require((try Self.object(simulated.stdout))["overall"] as? [String: Any])
        let arrived = try #require(overall["arrived"] as? Int)
        #expect(arrived > 5)
        #expect(arrived == simulatedOverall["arrived"] as? Int)
        #expect(overall["completed"] as? Int == arrived)
        #expect(load["kind"] as? String == "load" && load["seed"] as? Int == 1 && load["model"] as? String == "qwen3-32b")
        let ttft = try #require(overall["ttftSeconds"] as? [String: Any])
        #expect(try #require(ttft["p50"] as? Double) >= 0.010)
        let text = try await server.run { url, _ in
            try await Self.gpusched(["load", example, "--target", url, "--requests", "3", "--warmup", "0"])
        }
        #expect(text.exitCode == 0)
        #expect(text.stdout.contains("3 scheduled, 3 sent, 3 completed, 0 failed, 0 dropped"), "\(text.stdout)")
        #expect(text.stdout.contains("TTFT p50"))
    }

    @Test func traceIsReplayedWithTheModelGiven() async throws {
        let trace = try TemporaryFiles.file("arrival,prompt,output\n0.05,20,3\n0.10,30,4\n0.15,25,2\n0.30,10,5\n", extension: "csv")
        let server = FakeOpenAIServer(firstToken: .milliseconds(5), perToken: .milliseconds(1))
        let output = try await server.run { url, _ in
            try await Self.gpusched(["load", trace, "--target", url, "--model", "m", "--json", "--endpoint", "chat"])
        }
        #expect(output.exitCode == 0, "\(output.stderr)")
        let load = try Self.object(output.stdout)
        #expect(load["scheduled"] as? Int == 4 && load["completed"] as? Int == 4)
        #expect(load["endpoint"] as? String == "/v1/chat/completions")
        #expect(load["seed"] is NSNull)
        let overall = try #require(load["overall"] as? [String: Any])
        #expect(overall["arrived"] as? Int == 4)
        #expect(try SchemaValidator.problems(in: output.stdout) == [])
    }

    @Test func unreachableTargetCountsFailuresAndExitsOne() async throws {
        let port = try FreePort.next()
        let output = try await Self.gpusched([
            "load", Repository.example("live-agreement.yaml"), "--target", "http://127.0.0.1:\(port)", "--requests", "4",
            "--warmup", "0", "--connect-timeout", "0.3", "--json",
        ])
        #expect(output.exitCode == 1)
        #expect(output.stderrLines.count == 1 && output.stderr.contains("all 4 requests sent to http://127.0.0.1:\(port)/v1/completions failed (transport: 4)"),
                "\(output.stderr)")
        let load = try Self.object(output.stdout)
        #expect(load["failed"] as? Int == 4 && load["completed"] as? Int == 0)
        #expect(try SchemaValidator.problems(in: output.stdout) == [])
    }

    @Test(arguments: [
        (["--target", "127.0.0.1:8000"], "--target"),
        (["--target", "ftp://h/x"], "--target"),
        (["--target", "http://127.0.0.1:1", "--warmup", "30"], "--warmup"),
        (["--target", "http://127.0.0.1:1", "--rate", "0"], "--rate"),
        (["--target", "http://127.0.0.1:1", "--cv", "2"], "--cv"),
        (["--target", "http://127.0.0.1:1", "--max-in-flight", "0"], "--max-in-flight"),
        (["--target", "http://127.0.0.1:1", "--arrival", "weibull"], "weibull"),
    ])
    func badFlagsExitTwoWithOneLine(flags: [String], mentions: String) async throws {
        let output = try await Self.gpusched(["load", Repository.example("live-agreement.yaml")] + flags)
        #expect(output.exitCode == 2)
        #expect(output.stderrLines.count == 1 && output.stderr.contains(mentions), "\(output.stderr)")
        #expect(output.stdout.isEmpty)
    }

    @Test func badFilesExitTwoWithOneLine() async throws {
        let missing = try await Self.gpusched(["load", "no-such-scenario.yaml", "--target", "http://127.0.0.1:1"])
        #expect(missing.exitCode == 2 && missing.stderrLines.count == 1, "\(missing.stderr)")
        let trace = try TemporaryFiles.file("arrival,prompt,output\n0.1,20,3\n", extension: "csv")
        let noModel = try await Self.gpusched(["load", trace, "--target", "http://127.0.0.1:1"])
        #expect(noModel.exitCode == 2 && noModel.stderr.contains("--model"), "\(noModel.stderr)")
        let wrongKind = try await Self.gpusched(["load", Repository.example("gate-route.yaml"), "--target", "http://127.0.0.1:1"])
        #expect(wrongKind.exitCode == 2 && wrongKind.stderrLines.count == 1, "\(wrongKind.stderr)")
    }
}
