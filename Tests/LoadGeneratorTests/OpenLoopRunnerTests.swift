import Foundation
import GPUSchedTestSupport
import InferenceAPI
import LoadGenerator
import ServingModel
import Testing

/// The load generator against an in-process fake server with known timing.
@Suite(.serialized) struct OpenLoopRunnerTests {
    /// `count` requests `gap` seconds apart, each `tokens` output tokens.
    static func schedule(count: Int, gap: Double, tokens: Int, warmup: Double = 0) -> LoadSchedule {
        let requests = (0..<count).map {
            Request(id: $0, classIndex: $0 % 2, arrivalTime: Double($0 + 1) * gap, promptTokens: 40 + $0, outputTokens: tokens)
        }
        return LoadSchedule(requests: requests, classNames: ["a", "b"], horizon: Double(count + 1) * gap, warmup: warmup)
    }

    static func settings(_ url: String, stream: Bool = true, endpoint: CompletionEndpoint = .text, maxInFlight: Int = 100) -> LoadSettings {
        LoadSettings(target: url, endpoint: endpoint, model: "fake", stream: stream, maxInFlight: maxInFlight, requestTimeout: 20, connectTimeout: 2)
    }

    /// First token after 150 ms, then one every 25 ms: TTFT and TPOT measured within a few ms.
    @Test(arguments: [CompletionEndpoint.text, .chat])
    func measuredTTFTAndTPOTMatchTheServersDelays(endpoint: CompletionEndpoint) async throws {
        let server = FakeOpenAIServer(firstToken: .milliseconds(150), perToken: .milliseconds(25))
        let report = try await server.run { url, _ in
            await OpenLoopRunner.run(Self.schedule(count: 8, gap: 0.05, tokens: 12), settings: Self.settings(url, endpoint: endpoint))
        }
        #expect(report.completed == 8 && report.failed == 0 && report.dropped == 0)
        #expect(report.errors.isEmpty && report.usageMismatches == 0)
        let overall = report.overall
        #expect(overall.ttft.count == 8 && overall.tpot.count == 8)
        // Measured from the client's send: never below the server's delay, and above it by the
        // loopback round trip — a few ms alone, up to 100 ms when the other suites' synchronous work
        // holds this process's two task-pool threads (the upper bounds allow for that). The tokens'
        // pace is set by the server's deadlines, so TPOT is checked within 3 ms.
        #expect(overall.ttft.p50 >= 0.150 && overall.ttft.p50 < 0.25, "TTFT p50 \(overall.ttft.p50)")
        #expect(overall.ttft.p99 < 0.40, "TTFT p99 \(overall.ttft.p99)")
        #expect(abs(overall.tpot.p50 - 0.025) < 0.003, "TPOT p50 \(overall.tpot.p50)")
        #expect(abs(overall.tpot.mean - 0.025) < 0.003, "TPOT mean \(overall.tpot.mean)")
        #expect(abs(overall.interToken.p50 - 0.025) < 0.005, "ITL p50 \(overall.interToken.p50)")
        #expect(overall.interToken.count == 8 * 11)
        // E2E ≈ 150 ms + 11 × 25 ms.
        #expect(overall.e2e.p50 >= 0.425 && overall.e2e.p50 < 0.55, "E2E p50 \(overall.e2e.p50)")
        // Classes split the requests; output tokens counted.
        #expect(report.classes.map(\.completed) == [4, 4])
        let window = 9 * 0.05
        #expect(abs(overall.outputTokensPerSecond - Double(8 * 12) / window) < 1e-9)
        #expect(abs(overall.throughputRequests - 8 / window) < 1e-9)
    }

    /// The server takes 1.5 s to the first token; 20 requests 40 ms apart are all sent on time
    /// (open loop), all in flight at once, and a limit of 5 in flight drops the rest.
    @Test func sendsHappenOnScheduleWhenTheServerIsSlow() async throws {
        let server = FakeOpenAIServer(firstToken: .milliseconds(1500), perToken: .milliseconds(10))
        let schedule = Self.schedule(count: 20, gap: 0.04, tokens: 3)
        let (report, arrivals, start) = try await server.run { url, arrivals in
            let start = ContinuousClock.now
            let report = await OpenLoopRunner.run(schedule, settings: Self.settings(url))
            return (report, arrivals.all, start)
        }
        #expect(report.completed == 20)
        #expect(report.peakInFlight == 20)
        #expect(report.sendLag.p99 < 0.03, "send lag p99 \(report.sendLag.p99)")
        // The server saw request i at about its scheduled time, long before the first answer.
        let seen = arrivals.sorted().map { Self.seconds(start.duration(to: $0)) }
        #expect(seen.count == 20)
        for (index, time) in seen.enumerated() {
            let due = Double(index + 1) * 0.04
            #expect(time >= due - 0.005 && time < due + 0.1, "request \(index) arrived at \(time), due \(due)")
        }
        #expect(try #require(seen.last) < 1.2)

        let limited = try await server.run { url, _ in
            await OpenLoopRunner.run(schedule, settings: Self.settings(url, maxInFlight: 5))
        }
        #expect(limited.sent == 5 && limited.dropped == 15 && limited.completed == 5)
        #expect(limited.overall.dropped == 15 && limited.overall.arrived == 20)
        #expect(limited.peakInFlight == 5)
    }

    @Test func warmUpRequestsAreSentButNotMeasured() async throws {
        let server = FakeOpenAIServer(firstToken: .milliseconds(20), perToken: .milliseconds(5))
        let report = try await server.run { url, _ in
            await OpenLoopRunner.run(Self.schedule(count: 10, gap: 0.02, tokens: 4, warmup: 0.1), settings: Self.settings(url))
        }
        // Arrivals at 0.02 … 0.20 s; from 0.10 s on: 6 measured.
        #expect(report.sent == 10 && report.completed == 10)
        #expect(report.overall.arrived == 6 && report.overall.completed == 6 && report.overall.ttft.count == 6)
    }

    @Test func nonStreamingMeasuresEndToEndAndUsage() async throws {
        let server = FakeOpenAIServer(firstToken: .milliseconds(100), perToken: .milliseconds(10))
        let report = try await server.run { url, _ in
            await OpenLoopRunner.run(Self.schedule(count: 4, gap: 0.02, tokens: 6), settings: Self.settings(url, stream: false))
        }
        #expect(report.completed == 4)
        #expect(report.overall.ttft.count == 0 && report.overall.tpot.count == 0)
        #expect(report.overall.e2e.p50 >= 0.15 && report.overall.e2e.p50 < 0.19, "E2E \(report.overall.e2e.p50)")
        #expect(abs(report.overall.outputTokensPerSecond - Double(4 * 6) / (5 * 0.02)) < 1e-9)
    }

    @Test(arguments: [
        (FakeOpenAIServer.Behaviour.status(503), "http-503"), (.streamError, "stream-error"), (.truncated, "incomplete-stream"),
    ])
    func failuresAreCountedByKind(behaviour: FakeOpenAIServer.Behaviour, key: String) async throws {
        let server = FakeOpenAIServer(firstToken: .milliseconds(5), perToken: .milliseconds(2), behaviour: behaviour)
        let report = try await server.run { url, _ in
            await OpenLoopRunner.run(Self.schedule(count: 3, gap: 0.01, tokens: 4), settings: Self.settings(url))
        }
        #expect(report.failed == 3 && report.completed == 0)
        #expect(report.errors == [key: 3])
        #expect(report.overall.errors == [key: 3] && report.overall.ttft.count == 0)
    }

    @Test func usageDisagreeingWithTheTokensIsCounted() async throws {
        let server = FakeOpenAIServer(firstToken: .milliseconds(5), perToken: .milliseconds(2), behaviour: .wrongUsage)
        let report = try await server.run { url, _ in
            await OpenLoopRunner.run(Self.schedule(count: 3, gap: 0.01, tokens: 4), settings: Self.settings(url))
        }
        #expect(report.completed == 3 && report.usageMismatches == 3)
    }

    @Test func anUnreachableTargetFailsEveryRequestAsTransport() async throws {
        let port = try FreePort.next()
        let report = await OpenLoopRunner.run(
            Self.schedule(count: 3, gap: 0.01, tokens: 4),
            settings: LoadSettings(target: "http://127.0.0.1:\(port)", model: "m", requestTimeout: 5, connectTimeout: 0.5))
        #expect(report.sent == 3 && report.failed == 3 && report.completed == 0)
        #expect(report.errors == ["transport": 3])
        #expect(report.overall.ttft.mean.isNaN)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
