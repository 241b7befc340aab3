import AsyncHTTPClient
import Foundation
import GPUSchedTestSupport
import Hummingbird
import InferenceAPI
import Logging
import NIOCore
import Testing

@testable import Router

/// An OpenAI-compatible engine in process that answers every chat completion with a fixed text and
/// score (`gpusched_score`), or a fixed error status.
final class ScoredEngine: Sendable {
    let port: Int
    private let task: Task<Void, Never>
    var url: String { "http://127.0.0.1:\(port)" }

    init(text: String, score: Double, status: Int = 200) async throws {
        port = try FreePort.next()
        let router = Hummingbird.Router()
        router.post("/v1/chat/completions") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let model = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])?["model"] as? String ?? ""
            let answer = status == 200
                ? FakePools.chatCompletion(model: model, text: text, score: score)
                : Array(#"{"error":{"message":"busy"}}"#.utf8)
            return Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: answer)))
        }
        router.get("/health") { _, _ in "ok" }
        var logger = Logger(label: "scored-engine")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        task = Task { try? await app.run() }
        try await waitForHealth(url: "http://127.0.0.1:\(port)/health")
    }

    func stop() { task.cancel() }
}

/// The cascade through real pools over loopback HTTP: each stage's request leases a backend of its
/// pool, the answer is judged, the pool's counts return to zero.
@Suite(.serialized) struct CascadePoolTests {
    @Test func escalatesThroughRealPoolsAndReleasesTheirBackends() async throws {
        let small = try await ScoredEngine(text: "four-ish", score: 40)
        let large = try await ScoredEngine(text: "4", score: 97)
        let broken = try await ScoredEngine(text: "", score: 0, status: 503)
        defer { small.stop(); large.stop(); broken.stop() }
        var logger = Logger(label: "cascade-test")
        logger.logLevel = .critical
        let metrics = RouterMetrics()
        let pools = [
            BackendPool(config: poolConfig("small", [broken.url, small.url]), policy: RoundRobinPolicy(), health: HealthSettings(), metrics: metrics, logger: logger),
            BackendPool(config: poolConfig("large", [large.url]), policy: LeastOutstandingPolicy(), health: HealthSettings(), metrics: metrics, logger: logger),
            BackendPool(config: poolConfig("broken", [broken.url]), policy: LeastOutstandingPolicy(), health: HealthSettings(), metrics: metrics, logger: logger),
        ]
        let byModel = Dictionary(uniqueKeysWithValues: pools.map { ($0.model, $0) })
        let client = UpstreamClient(timeouts: TimeoutSettings(), maxConnectionsPerBackend: 8)
        let sender = PoolCompletionSender(
            pools: byModel, proxy: CompletionProxy(client: client, retry: RetrySettings(), timeouts: TimeoutSettings(), logger: logger))
        let config = CascadeConfig(
            name: "cascade", stages: [CascadeStage(model: "small", threshold: 80), CascadeStage(model: "large", threshold: 0)],
            judge: .scoreField("gpusched_score"))
        let policy = CascadePolicy(config: config, sender: sender, judge: ScoreFieldJudge(path: "gpusched_score"))
        let request = try CompletionRequest(body: CascadePolicyTests.chatBody, endpoint: .chat)
        // Round robin sends the first stage to the broken backend first: the retry reaches the good one.
        let answer = try await policy.answer(body: CascadePolicyTests.chatBody, request: request, requestID: "live-1")
        #expect(answer.model == "large")
        #expect(answer.outcome == .last)
        #expect(answer.steps.map(\.score) == [40, nil])
        #expect(answer.steps.first?.escalation == .belowThreshold)
        #expect(CascadeBody.answerText(answer.completion.body) == "4")
        #expect(answer.completion.backend == large.url)
        for pool in pools { #expect(pool.views.allSatisfy { $0.inFlight == 0 && $0.prefilling == 0 }) }
        // A cascade whose stages all fail (no pool, then 503 with no retry) returns the last stage's error.
        let failing = CascadePolicy(
            config: CascadeConfig(name: "bad", stages: [CascadeStage(model: "missing", threshold: 50), CascadeStage(model: "broken", threshold: 0)],
                                  judge: .scoreField("gpusched_score")),
            sender: PoolCompletionSender(
                pools: byModel, proxy: CompletionProxy(client: client, retry: RetrySettings(maxAttempts: 1), timeouts: TimeoutSettings(), logger: logger)),
            judge: ScoreFieldJudge(path: "gpusched_score"))
        let refused = try await failing.answer(body: CascadePolicyTests.chatBody, request: request, requestID: "live-3")
        #expect(refused.outcome == .failed)
        #expect(refused.completion.status == 503)
        #expect(refused.steps.map(\.escalation) == [.upstreamError, .upstreamError])
        for pool in pools { #expect(pool.views.allSatisfy { $0.inFlight == 0 && $0.prefilling == 0 }) }
        try await client.shutdown()
    }
}
