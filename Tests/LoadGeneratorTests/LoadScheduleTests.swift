import Foundation
import GPUSchedTestSupport
import InferenceAPI
import LoadGenerator
import ServingModel
import Simulation
import Testing

struct LoadScheduleTests {
    static let scenarioText = """
        kind: simulate
        model: llama-3.1-8b
        replicas: [{gpu: L40S, tp: 1, count: 2}]
        engine: {batchSize: 32, chunkSize: 512}
        workload:
          classes:
            - {name: chat, arrivalRate: 6, promptTokens: {uniform: {min: 100, max: 700}}, outputTokens: {uniform: {min: 20, max: 180}}}
            - {name: code, arrivalRate: 2, burstiness: 2, promptTokens: {lognormal: {mean: 900, sd: 300}}, outputTokens: 64}
        policy: round-robin
        horizon: 40
        warmup: 5
        seed: 3
        """

    static func scenario() throws -> SimulateScenario {
        let path = try TemporaryFiles.file(named: "load-schedule.yaml", scenarioText)
        let envelope = try ScenarioEnvelope.read(path: path, kinds: ["simulate": SimulateScenario.keys])
        return try SimulateScenario.read(envelope, baseDirectory: (path as NSString).deletingLastPathComponent)
    }

    /// The simulator serves exactly the schedule's requests: it completes request ids 0..<n, and
    /// counts as arrived in its window exactly the requests the schedule measures.
    @Test func scheduleIsTheRequestListTheSimulatorServes() throws {
        let scenario = try Self.scenario()
        let seed = scenario.seeds[0]
        let schedule = LoadSchedule(workload: scenario.workload, horizon: scenario.horizon, warmup: scenario.warmup, seed: seed)
        #expect(schedule.requests.count > 250)
        #expect(schedule.requests.map(\.id) == Array(0..<schedule.requests.count))
        #expect(zip(schedule.requests, schedule.requests.dropFirst()).allSatisfy { $0.arrivalTime <= $1.arrivalTime })
        #expect(schedule.requests.allSatisfy { $0.arrivalTime > 0 && $0.arrivalTime < 40 })
        #expect(Set(schedule.requests.map(\.classIndex)) == [0, 1])

        var configuration = scenario.configuration
        configuration.recordsCompletions = true
        var source = scenario.workload.source(horizon: scenario.horizon, seed: seed)
        let report = scenario.policy.simulate(configuration, source: &source, seed: seed)
        #expect(report.completions?.map(\.id).sorted() == schedule.requests.map(\.id))
        #expect(report.overall.arrived == schedule.requests.filter(schedule.isMeasured).count)
        #expect(report.classes[1].arrived == schedule.requests.filter { schedule.isMeasured($0) && $0.classIndex == 1 }.count)
    }

    @Test func aLimitKeepsTheFirstRequestsAndEndsTheWindowWithThem() throws {
        let scenario = try Self.scenario()
        let full = LoadSchedule(workload: scenario.workload, horizon: 40, warmup: 5, seed: 3)
        let first = LoadSchedule(workload: scenario.workload, horizon: 40, warmup: 5, seed: 3, limit: 20)
        #expect(first.requests == Array(full.requests.prefix(20)))
        #expect(first.horizon > first.requests[19].arrivalTime && first.horizon <= full.requests[20].arrivalTime)
        let all = LoadSchedule(workload: scenario.workload, horizon: 40, warmup: 5, seed: 3, limit: 100_000)
        #expect(all.requests == full.requests && all.horizon == 40)
    }

    @Test func bodiesCarryTheLengthsTheEngineReadsBack() throws {
        let request = Request(id: 4, classIndex: 0, arrivalTime: 1, promptTokens: 517, outputTokens: 33)
        for endpoint in CompletionEndpoint.allCases {
            for stream in [true, false] {
                let settings = LoadSettings(target: "http://h", endpoint: endpoint, model: #"odd "model"\name"#, stream: stream)
                let parsed = try CompletionRequest(body: LoadRequestBody.make(for: request, settings: settings), endpoint: endpoint)
                #expect(parsed.model == #"odd "model"\name"#)
                #expect(PromptTokens.estimate(parsed.promptText) == 517)
                #expect(parsed.maxTokens == 33)
                #expect(parsed.stream == stream && parsed.includeUsage == stream)
            }
        }
        // Different requests get prompts that differ from the first word.
        let other = Request(id: 5, classIndex: 0, arrivalTime: 1, promptTokens: 517, outputTokens: 33)
        let settings = LoadSettings(target: "http://h", model: "m")
        let first = try CompletionRequest(body: LoadRequestBody.make(for: request, settings: settings), endpoint: .text).promptText
        let second = try CompletionRequest(body: LoadRequestBody.make(for: other, settings: settings), endpoint: .text).promptText
        #expect(first.prefix(4) != second.prefix(4))
        #expect(settings.url == "http://h/v1/completions")
        #expect(LoadSettings(target: "http://h:1/api/", endpoint: .chat, model: "m").url == "http://h:1/api/v1/chat/completions")
    }

    @Test func rateOverrideScalesEveryClassInItsShare() throws {
        let scenario = try Self.scenario()
        let changed = try ArrivalOverride(rate: 16).apply(to: scenario.workload, seed: 1)
        guard case let .synthetic(classes) = changed else { Issue.record("not synthetic"); return }
        #expect(classes[0].arrivals == .poisson(rate: 12))
        #expect(classes[1].arrivals == .gamma(rate: 4, cv: 2))
        let gamma = try ArrivalOverride(process: .gamma, cv: 0.5).apply(to: scenario.workload, seed: 1)
        guard case let .synthetic(gammaClasses) = gamma else { Issue.record("not synthetic"); return }
        #expect(gammaClasses.map(\.arrivals) == [.gamma(rate: 6, cv: 0.5), .gamma(rate: 2, cv: 0.5)])
        #expect(throws: ScenarioError.self) { try ArrivalOverride(rate: -1).apply(to: scenario.workload, seed: 1) }
        #expect(throws: ScenarioError.self) { try ArrivalOverride(process: .poisson, cv: 2).apply(to: scenario.workload, seed: 1) }
    }

    @Test func traceRetimingKeepsLengthsAndReachesTheRate() throws {
        let requests = (0..<2000).map { Request(id: $0, classIndex: 0, arrivalTime: Double($0 + 1) * 0.5, promptTokens: 10 + $0 % 7, outputTokens: 5) }
        let trace = Workload.trace(path: "t.csv", requests: requests, classNames: ["trace"])
        // --rate 4 on a 2 requests/s trace halves every arrival time.
        guard case let .trace(_, faster, _) = try ArrivalOverride(rate: 4).apply(to: trace, seed: 1) else { return }
        #expect(faster.map(\.arrivalTime) == requests.map { $0.arrivalTime / 2 })
        // --arrival poisson at the trace's own mean rate (2/s): lengths kept, about 1000 s long.
        guard case let .trace(_, poisson, _) = try ArrivalOverride(process: .poisson).apply(to: trace, seed: 9) else { return }
        #expect(poisson.map(\.promptTokens) == requests.map(\.promptTokens))
        let span = try #require(poisson.last).arrivalTime
        #expect(abs(span - 1000) < 100)
    }
}
