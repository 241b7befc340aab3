import Foundation
import Testing

@testable import Router

/// A cascade behind the router's HTTP endpoint: the client names the cascade, gets one answer with
/// the cascade's headers, as JSON or as the final event stream.
@Suite(.serialized) struct CascadeServerTests {
    @Test func theRouterAnswersACascadeRequestWithTheAcceptedStage() async throws {
        let small = try await ScoredEngine(text: "four", score: 88)
        let large = try await ScoredEngine(text: "4", score: 99)
        defer { small.stop(); large.stop() }
        let config = ServeConfig(
            pools: [poolConfig("small", [small.url]), poolConfig("large", [large.url])],
            cascades: [CascadeConfig(
                name: "cascade", stages: [CascadeStage(model: "small", threshold: 80), CascadeStage(model: "large", threshold: 0)],
                judge: .scoreField("gpusched_score"))])
        let router = try await RouterHarness(config: config)
        let plain = try await post(router.url + "/v1/chat/completions", body: chatBody(model: "cascade", stream: false))
        #expect(plain.status == 200)
        #expect(plain.headers["x-gpusched-cascade-model"] == "small")
        #expect(plain.headers["x-gpusched-cascade-scores"] == "88.0")
        #expect(plain.headers["x-gpusched-judge-seconds"] != nil)
        #expect(CascadeBody.answerText(plain.body) == "four")
        let streamed = try await post(router.url + "/v1/chat/completions", body: chatBody(model: "cascade", stream: true))
        #expect(streamed.status == 200)
        #expect(streamed.headers["content-type"] == "text/event-stream")
        #expect(String(decoding: streamed.body, as: UTF8.self).hasSuffix("data: [DONE]\n\n"))
        let models = try await get(router.url + "/v1/models")
        #expect(models.body.contains("\"cascade\""))
        await router.stop()
    }
}
