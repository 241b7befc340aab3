import Foundation
import InferenceAPI
import Router
import Testing

@Suite("RouterServer cascades", .serialized)
struct ServerCascadeTests {
    @Test("a request for a cascade goes to the first stage's pool; an unscored answer escalates; the client gets the last stage's")
    func cascadeEscalates() async throws {
        let small = try await FakeBackend(name: "small", behaviour: .normal(chunks: 1))
        let large = try await FakeBackend(name: "large", behaviour: .normal(chunks: 1))
        defer { small.stop(); large.stop() }
        let cascade = CascadeConfig(
            name: "auto", stages: [CascadeStage(model: "s", threshold: 0.5), CascadeStage(model: "l", threshold: 0)],
            judge: .scoreField("score"))
        let config = ServeConfig(pools: [poolConfig("s", [small.url]), poolConfig("l", [large.url])], cascades: [cascade])
        let router = try await RouterHarness(config: config)
        let answer = try await post(router.url + "/v1/chat/completions", body: chatBody(model: "auto", stream: false))
        #expect(answer.status == 200)
        #expect(answer.body == FakeBackend.answer(name: "large"))
        #expect(answer.headers["x-gpusched-cascade-stage"] == "1")
        #expect(answer.headers["x-gpusched-cascade-model"] == "l")
        #expect(small.received == 1)
        #expect(large.received == 1)
        let stageBody = try JSONSerialization.jsonObject(with: Data(large.lastBody)) as? [String: Any]
        #expect(stageBody?["model"] as? String == "l")
        let metrics = try await get(router.url + "/metrics").body
        #expect(metrics.contains(#"gpusched_router_requests_total{model="auto",endpoint="chat",status="200"} 1"#))
        await router.stop()
    }
}
