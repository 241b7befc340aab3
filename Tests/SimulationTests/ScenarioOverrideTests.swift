import Dispatch
import Foundation
import ServingModel
import Testing
@testable import Simulation

/// `SimulateScenario.override(horizon:warmup:rateScale:)`, the command line's `--horizon`,
/// `--warmup` and `--rate-scale`.
@Suite struct ScenarioOverrideTests {
    /// One Poisson class at 5 requests/s over 100 s, warm-up 10 s, one seed.
    private func scenario() throws -> SimulateScenario {
        let text = """
            kind: simulate
            model: llama-3.1-8b
            replicas: [{gpu: H100-80GB, tp: 1, count: 2}]
            engine: {batchSize: 16, chunkSize: 256}
            workload:
              classes:
                - {name: chat, arrivalRate: 5, promptTokens: 100, outputTokens: 10}
            horizon: 100
            warmup: 10
            """
        let envelope = try ScenarioEnvelope.read(value: try ConfigParser.parse(text), kinds: ["simulate": SimulateScenario.keys])
        return try SimulateScenario.read(envelope, baseDirectory: ".")
    }

    /// Expected arrivals are rate × horizon + 2 + cv² (cv = 1 for Poisson): 5 × 100 + 3 = 503; at
    /// twice the rate 10 × 100 + 3 = 1003, the rate's part doubled.
    @Test func doublingTheRateDoublesTheExpectedRequests() throws {
        var scenario = try scenario()
        #expect(scenario.work.requestsPerRun == 503)
        try scenario.override(horizon: nil, warmup: nil, rateScale: 2)
        #expect(scenario.work.requestsPerRun == 1003)
        #expect(scenario.workload.classNames == ["chat"])
        guard case let .synthetic(classes) = scenario.workload else { Issue.record("not synthetic"); return }
        #expect(classes[0].arrivals == .poisson(rate: 10))
    }

    /// A longer horizon: 5 × 200 + 3 = 1003 expected requests; the configuration follows.
    @Test func horizonAndWarmupReplaceTheScenarios() throws {
        var scenario = try scenario()
        try scenario.override(horizon: 200, warmup: 20, rateScale: nil)
        #expect(scenario.work.requestsPerRun == 1003)
        #expect(scenario.configuration.horizon == 200)
        #expect(scenario.configuration.warmup == 20)
    }

    @Test func warmupAtOrAfterTheHorizonIsRefusedNamingTheFlag() throws {
        var scenario = try scenario()
        #expect(throws: ScenarioError(path: "--warmup", "must be less than horizon (100), got 150")) {
            try scenario.override(horizon: nil, warmup: 150, rateScale: nil)
        }
        #expect(throws: ScenarioError(path: "--warmup", "must be less than horizon (50), got 50")) {
            try scenario.override(horizon: 50, warmup: 50, rateScale: nil)
        }
        #expect(throws: ScenarioError(path: "--horizon", "must be greater than warmup (10), got 5")) {
            try scenario.override(horizon: 5, warmup: nil, rateScale: 2)
        }
        // Nothing was applied.
        #expect(scenario.horizon == 100 && scenario.warmup == 10 && scenario.work.requestsPerRun == 503)
    }

    /// The reader's rules and messages, every problem at once.
    @Test func outOfRangeValuesAreRefusedWithTheReadersBounds() throws {
        var scenario = try scenario()
        #expect(throws: ScenarioError(issues: [
            ScenarioIssue(path: "--horizon", message: "must be > 0, got -1"),
            ScenarioIssue(path: "--warmup", message: "must be >= 0, got -2"),
            ScenarioIssue(path: "--rate-scale", message: "must be > 0, got 0"),
        ])) {
            try scenario.override(horizon: -1, warmup: -2, rateScale: 0)
        }
        #expect(throws: ScenarioError(path: "--rate-scale", "must be a finite number, got nan")) {
            try scenario.override(horizon: nil, warmup: nil, rateScale: .nan)
        }
        #expect(throws: ScenarioError(
            path: "--rate-scale", "class 'chat' would arrive at 5000000 requests/s; arrivalRate must be > 0 and <= 1000000")
        ) {
            try scenario.override(horizon: nil, warmup: nil, rateScale: 1e6)
        }
    }

    /// A trace's arrival times are divided by the factor: twice as many rows fall before the horizon.
    @Test func aTraceIsCompressed() throws {
        var scenario = try scenario()
        let requests = (0..<10).map { Request(id: $0, classIndex: 0, arrivalTime: Double($0) * 20, promptTokens: 10, outputTokens: 5) }
        scenario.workload = .trace(path: "t.csv", requests: requests, classNames: ["a"])
        #expect(scenario.work.requestsPerRun == 5)
        try scenario.override(horizon: nil, warmup: nil, rateScale: 2)
        #expect(scenario.work.requestsPerRun == 10)
        guard case let .trace(_, compressed, _) = scenario.workload else { Issue.record("not a trace"); return }
        #expect(compressed.map(\.arrivalTime) == requests.map { $0.arrivalTime / 2 })
    }

    /// Issues reported from many threads at once are all kept (the collector is locked).
    @Test func diagnosticsCollectFromManyThreads() {
        let diagnostics = ScenarioDiagnostics()
        DispatchQueue.concurrentPerform(iterations: 1000) { diagnostics.report("x[\($0)]", "bad") }
        #expect(diagnostics.issues.count == 1000)
        #expect(Set(diagnostics.issues.map(\.path)).count == 1000)
    }
}
