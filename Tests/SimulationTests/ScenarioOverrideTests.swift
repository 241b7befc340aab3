import Dispatch
import Foundation
import ServingModel
import Testing
@testable import Simulation
import GPUSchedTestSupport

/// `SimulateScenario.override(horizon:warmup:rateScale:)`, the command line's `--horizon`,
/// `--warmup` and `--rate-scale`.
@Suite struct ScenarioOverrideTests {
    /// examples/simulate-chat.yaml: Poisson chat at 20 and summarize at 4 requests/s, horizon 600 s,
    /// warm-up 60 s.
    private func scenario() throws -> SimulateScenario {
        let examples = Repository.examples
        let envelope = try ScenarioEnvelope.read(
            path: examples.appendingPathComponent("simulate-chat.yaml").path, kinds: ["simulate": SimulateScenario.keys])
        return try SimulateScenario.read(envelope, baseDirectory: examples.path)
    }

    /// Expected arrivals per run are Σ rate × horizon + 2 + cv² (cv = 1 for Poisson):
    /// (20 + 4) × 600 + 2 × 3 = 14406; at twice the rates (40 + 8) × 600 + 6 = 28806, the rates' part
    /// (14400) doubled.
    @Test func doublingTheRateDoublesTheExpectedRequests() throws {
        var scenario = try scenario()
        #expect(scenario.work.requestsPerRun == 14406)
        try scenario.override(horizon: nil, warmup: nil, rateScale: 2)
        #expect(scenario.work.requestsPerRun == 28806)
        #expect(scenario.workload.classNames == ["chat", "summarize"])
        guard case let .synthetic(classes) = scenario.workload else { Issue.record("not synthetic"); return }
        #expect(classes.map(\.arrivals) == [.poisson(rate: 40), .poisson(rate: 8)])
    }

    /// A horizon twice as long: 24 × 1200 + 6 = 28806 expected requests; the configuration follows.
    @Test func horizonAndWarmupReplaceTheScenarios() throws {
        var scenario = try scenario()
        try scenario.override(horizon: 1200, warmup: 120, rateScale: nil)
        #expect(scenario.work.requestsPerRun == 28806)
        #expect(scenario.configuration.horizon == 1200)
        #expect(scenario.configuration.warmup == 120)
    }

    @Test func warmupAtOrAfterTheHorizonIsRefusedNamingTheFlag() throws {
        var scenario = try scenario()
        #expect(throws: ScenarioError(path: "--warmup", "must be less than horizon (600), got 900")) {
            try scenario.override(horizon: nil, warmup: 900, rateScale: nil)
        }
        #expect(throws: ScenarioError(path: "--warmup", "must be less than horizon (50), got 50")) {
            try scenario.override(horizon: 50, warmup: 50, rateScale: nil)
        }
        #expect(throws: ScenarioError(path: "--horizon", "must be greater than warmup (60), got 5")) {
            try scenario.override(horizon: 5, warmup: nil, rateScale: 2)
        }
        // Nothing was applied.
        #expect(scenario.horizon == 600 && scenario.warmup == 60 && scenario.work.requestsPerRun == 14406)
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
            path: "--rate-scale", "class 'chat' would arrive at 20000000 requests/s; arrivalRate must be > 0 and <= 1000000")
        ) {
            try scenario.override(horizon: nil, warmup: nil, rateScale: 1e6)
        }
    }

    /// A trace's arrival times are divided by the factor: twice as many rows fall before the horizon.
    @Test func aTraceIsCompressed() throws {
        var scenario = try scenario()
        let requests = (0..<10).map { Request(id: $0, classIndex: 0, arrivalTime: Double($0) * 100, promptTokens: 10, outputTokens: 5) }
        scenario.workload = .trace(path: "t.csv", requests: requests, classNames: ["a"])
        #expect(scenario.work.requestsPerRun == 6)
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
