import AsyncHTTPClient
import Foundation
import GPUSchedTestSupport
import InferenceAPI
import Router
import Testing

@Suite("RouterServer endpoints", .serialized)
struct ServerEndpointTests {
    @Test("400, 401, 404 and 413 answers carry OpenAI error bodies; /v1/models lists pools and cascades")
    func clientErrors() async throws {
        let backend = try await FakeBackend(name: "a", behaviour: .normal(chunks: 2))
        defer { backend.stop() }
        let cascade = CascadeConfig(
            name: "cascade-x", stages: [CascadeStage(model: "m", threshold: 0.5)], judge: .scoreField("score"))
        let config = ServeConfig(
            pools: [poolConfig("m", [backend.url]), poolConfig("b-model", [backend.url])], cascades: [cascade],
            limits: ServeLimits(maxBodyBytes: 1000), apiKeys: ["secret"])
        let router = try await RouterHarness(config: config)
        let auth = [("authorization", "Bearer secret")]
        let chat = router.url + "/v1/chat/completions"

        let missingKey = try await post(chat, body: chatBody(model: "m", stream: false))
        #expect(missingKey.status == 401)
        #expect(errorObject(missingKey.body)?["code"] as? String == "invalid_api_key")
        let wrongKey = try await post(chat, body: chatBody(model: "m", stream: false), headers: [("authorization", "Bearer nope")])
        #expect(wrongKey.status == 401)

        let malformed = try await post(chat, body: #"{"model": "m", "messages": [}"#, headers: auth)
        #expect(malformed.status == 400)
        #expect((errorObject(malformed.body)?["message"] as? String)?.contains("not valid JSON") == true)
        let badField = try await post(chat, body: #"{"model":"m","messages":[],"max_tokens":0}"#, headers: auth)
        #expect(badField.status == 400)
        #expect(errorObject(badField.body)?["param"] as? String != nil)

        let unknown = try await post(chat, body: chatBody(model: "nope", stream: false), headers: auth)
        #expect(unknown.status == 404)
        #expect(errorObject(unknown.body)?["code"] as? String == "model_not_found")

        let large = try await post(chat, body: chatBody(model: "m", stream: false, prompt: String(repeating: "x", count: 2000)), headers: auth)
        #expect(large.status == 413)
        #expect(errorObject(large.body)?["type"] as? String == "invalid_request_error")
        #expect(backend.received == 0)

        let ok = try await post(chat, body: chatBody(model: "m", stream: false), headers: auth)
        #expect(ok.status == 200)
        #expect(ok.body == FakeBackend.answer(name: "a"))

        var modelsRequest = try await get(router.url + "/v1/models")
        #expect(modelsRequest.status == 401)
        modelsRequest = try await getAuthorized(router.url + "/v1/models", key: "secret")
        let models = try JSONSerialization.jsonObject(with: Data(modelsRequest.body.utf8)) as? [String: Any]
        #expect(models?["object"] as? String == "list")
        let ids = (models?["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(ids == ["b-model", "cascade-x", "m"])
        await router.stop()
    }

    @Test("/health answers, /ready is 503 while a pool has no backend up, /metrics has the router's names")
    func healthReadyMetrics() async throws {
        let backend = try await FakeBackend(name: "a", behaviour: .normal(chunks: 2))
        defer { backend.stop() }
        let closedPort = try FreePort.next()
        let config = ServeConfig(
            pools: [poolConfig("m", [backend.url]), poolConfig("dead", ["http://127.0.0.1:\(closedPort)"])],
            health: HealthSettings(intervalSeconds: 0.2, timeoutSeconds: 0.5))
        let router = try await RouterHarness(config: config)
        #expect(try await get(router.url + "/health").status == 200)
        let ready = try await get(router.url + "/ready")
        #expect(ready.status == 503)
        #expect(ready.body.contains(#""dead":0"#))

        for stream in [false, true] {
            let answer = try await post(router.url + "/v1/chat/completions", body: chatBody(model: "m", stream: stream))
            #expect(answer.status == 200)
        }
        let metrics = try await get(router.url + "/metrics")
        #expect(metrics.status == 200)
        for name in [
            "gpusched_router_requests_total", "gpusched_router_requests_in_flight", "gpusched_router_requests_queued",
            "gpusched_router_time_to_first_token_seconds_bucket", "gpusched_router_inter_token_latency_seconds_bucket",
            "gpusched_router_request_duration_seconds_count", "gpusched_router_backend_up",
            "gpusched_router_backend_in_flight", "gpusched_router_routing_decisions_total", "gpusched_router_admissions_total",
        ] {
            #expect(metrics.body.contains(name), "missing \(name)")
        }
        #expect(metrics.body.contains(#"gpusched_router_requests_total{model="m",endpoint="chat",status="200"} 2"#))
        #expect(metrics.body.contains(#"gpusched_router_admissions_total{model="m"} 2"#))
        #expect(metrics.body.contains(#"gpusched_router_backend_up{model="dead",backend="http://127.0.0.1:\#(closedPort)"} 0"#))
        #expect(metrics.body.contains(#"gpusched_router_routing_decisions_total{model="m",policy="test-fewest",reason="fewest"} 2"#))

        await router.stop()
    }

    @Test("beyond maxConcurrentRequests the router answers 429 overloaded with Retry-After")
    func overload() async throws {
        let backend = try await FakeBackend(name: "slow", behaviour: .slow(seconds: 0.5, chunks: 1))
        defer { backend.stop() }
        let config = ServeConfig(pools: [poolConfig("m", [backend.url])], limits: ServeLimits(maxConcurrentRequests: 2))
        let router = try await RouterHarness(config: config)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<5 {
                group.addTask { try await post(router.url + "/v1/completions", body: #"{"model":"m","prompt":"hi"}"#).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 200 }.count == 2)
        #expect(statuses.filter { $0 == 429 }.count == 3)
        let again = try await post(router.url + "/v1/completions", body: #"{"model":"m","prompt":"hi"}"#)
        #expect(again.status == 200)
        await router.stop()
    }
}

func getAuthorized(_ url: String, key: String) async throws -> (status: Int, body: String) {
    var request = HTTPClientRequest(url: url)
    request.headers.add(name: "authorization", value: "Bearer \(key)")
    let response = try await testClient.execute(request, timeout: .seconds(10))
    let bytes = try await response.body.collect(upTo: 1 << 24)
    return (Int(response.status.code), String(buffer: bytes))
}
