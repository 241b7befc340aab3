import AsyncHTTPClient
import Foundation
import InferenceAPI
import NIOCore
import Router
import Synchronization
import Testing

@Suite("RouterServer proxy", .serialized)
struct ProxyStreamingTests {
    @Test("a stream passes through byte for byte, [DONE] kept; the body reaches the backend untouched with the request id")
    func streamPassthrough() async throws {
        let backend = try await FakeBackend(name: "a", behaviour: .normal(chunks: 5))
        defer { backend.stop() }
        let router = try await RouterHarness(config: ServeConfig(pools: [poolConfig("m", [backend.url])]))
        let body = chatBody(model: "m", stream: true, prompt: "the  spacing \\u00e9 stays")
        let answer = try await post(router.url + "/v1/chat/completions", body: body, headers: [("x-request-id", "client-id-1")])
        #expect(answer.status == 200)
        #expect(answer.body == FakeBackend.stream(name: "a", chunks: 5))
        #expect(answer.body.suffix(ServerSentEvents.doneFrame.count).elementsEqual(ServerSentEvents.doneFrame))
        #expect(answer.headers["content-type"] == "text/event-stream")
        #expect(answer.headers["x-request-id"] == "client-id-1")
        #expect(backend.lastBody == Array(body.utf8))
        #expect(backend.lastHeaders["x-request-id"] == "client-id-1")

        let generated = try await post(router.url + "/v1/chat/completions", body: chatBody(model: "m", stream: false))
        let id = try #require(generated.headers["x-request-id"])
        #expect(!id.isEmpty)
        #expect(backend.lastHeaders["x-request-id"] == id)
        await router.stop()
    }

    @Test("a backend answering 500 is retried on another backend before the first byte; the client sees one 200")
    func retryBeforeFirstByte() async throws {
        let failing = try await FakeBackend(name: "bad", behaviour: .status(500))
        let good = try await FakeBackend(name: "good", behaviour: .normal(chunks: 3))
        defer { failing.stop(); good.stop() }
        let config = ServeConfig(
            pools: [poolConfig("m", [failing.url, good.url])], retry: RetrySettings(maxAttempts: 2, retryOnStatus: true))
        let router = try await RouterHarness(config: config)
        let plain = try await post(router.url + "/v1/completions", body: #"{"model":"m","prompt":"hi"}"#)
        #expect(plain.status == 200)
        #expect(plain.body == FakeBackend.answer(name: "good"))
        let stream = try await post(router.url + "/v1/chat/completions", body: chatBody(model: "m", stream: true))
        #expect(stream.status == 200)
        #expect(stream.body == FakeBackend.stream(name: "good", chunks: 3))
        #expect(failing.received == 2)
        #expect(good.received == 2)
        let metrics = try await get(router.url + "/metrics").body
        #expect(metrics.contains(#"gpusched_router_retries_total{model="m",reason="status_5xx"} 2"#))
        await router.stop()
    }

    @Test("a 5xx on the last attempt is passed to the client as is")
    func lastAttemptPassesThrough() async throws {
        let failing = try await FakeBackend(name: "bad", behaviour: .status(503))
        defer { failing.stop() }
        let config = ServeConfig(pools: [poolConfig("m", [failing.url])], retry: RetrySettings(maxAttempts: 2))
        let router = try await RouterHarness(config: config)
        let answer = try await post(router.url + "/v1/completions", body: #"{"model":"m","prompt":"hi"}"#)
        #expect(answer.status == 503)
        #expect(errorObject(answer.body)?["message"] as? String == "fake failure")
        #expect(failing.received == 2)
        await router.stop()
    }

    @Test("a stream that breaks after it began is not retried: the client gets the chunks sent, one error event, the end")
    func noRetryAfterStreamBegan() async throws {
        let breaking = try await FakeBackend(name: "broken", behaviour: .breakAfter(chunks: 2))
        let good = try await FakeBackend(name: "good", behaviour: .normal(chunks: 3))
        defer { breaking.stop(); good.stop() }
        let config = ServeConfig(pools: [poolConfig("m", [breaking.url, good.url])], retry: RetrySettings(maxAttempts: 3))
        let router = try await RouterHarness(config: config)
        let answer = try await post(router.url + "/v1/chat/completions", body: chatBody(model: "m", stream: true))
        #expect(answer.status == 200)
        var parser = ServerSentEventParser()
        let events = try parser.feed(answer.body).map { String(decoding: $0, as: UTF8.self) }
        #expect(events.count == 3)
        #expect(events.prefix(2).allSatisfy { $0.contains(#""backend":"broken""#) })
        let error = try #require(events.last)
        #expect(error.hasPrefix(#"{"error":{"#))
        #expect(error.contains("upstream_stream_error"))
        #expect(!events.contains(ServerSentEvents.done))
        #expect(good.received == 0)
        #expect(breaking.received == 1)
        // The router's accounting is back to zero: nothing leaked.
        let views = try #require(router.server.pool(model: "m")).views
        #expect(views.map(\.inFlight) == [0, 0])
        await router.stop()
    }

    @Test("a backend slower than slowFirstByteSeconds trips its breaker and traffic moves to the other")
    func slowBackendTripsBreaker() async throws {
        let slow = try await FakeBackend(name: "slow", behaviour: .slow(seconds: 0.3, chunks: 1))
        let fast = try await FakeBackend(name: "fast", behaviour: .normal(chunks: 1))
        defer { slow.stop(); fast.stop() }
        let health = HealthSettings(intervalSeconds: 30, failureThreshold: 2, openSeconds: 60, slowFirstByteSeconds: 0.1)
        let config = ServeConfig(pools: [poolConfig("m", [slow.url, fast.url])], health: health)
        let router = try await RouterHarness(config: config)
        // Sequential requests: the test policy picks the lowest index while loads tie, so the slow
        // backend takes them until its breaker opens.
        var served: [String] = []
        for _ in 0..<6 {
            let answer = try await post(router.url + "/v1/completions", body: #"{"model":"m","prompt":"hi"}"#)
            #expect(answer.status == 200)
            served.append(String(decoding: answer.body, as: UTF8.self).contains("slow") ? "slow" : "fast")
        }
        #expect(served == ["slow", "slow", "fast", "fast", "fast", "fast"])
        let views = try #require(router.server.pool(model: "m")).views
        #expect(views.map(\.available) == [false, true])
        await router.stop()
    }

    @Test("a reload swaps the pools; a stream in flight finishes on its old pool; a bad config keeps the old one")
    func reloadKeepsInFlight() async throws {
        let slow = try await FakeBackend(name: "old", behaviour: .slow(seconds: 0.4, chunks: 3))
        let other = try await FakeBackend(name: "new", behaviour: .normal(chunks: 1))
        defer { slow.stop(); other.stop() }
        let next = Mutex<ServeConfig?>(ServeConfig(pools: [poolConfig("m2", [other.url])]))
        let router = try await RouterHarness(config: ServeConfig(pools: [poolConfig("m", [slow.url])])) {
            guard let config = next.withLock({ $0 }) else { throw CancellationError() }
            return config
        }
        let inFlight = Task { try await post(router.url + "/v1/chat/completions", body: chatBody(model: "m", stream: true)) }
        while slow.received == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(await router.server.reload())
        let models = try await get(router.url + "/v1/models").body
        #expect(models.contains(#""id":"m2""#))
        #expect(!models.contains(#""id":"m""#))
        let finished = try await inFlight.value
        #expect(finished.status == 200)
        #expect(finished.body == FakeBackend.stream(name: "old", chunks: 3))
        #expect(try await post(router.url + "/v1/chat/completions", body: chatBody(model: "m", stream: false)).status == 404)
        #expect(try await post(router.url + "/v1/chat/completions", body: chatBody(model: "m2", stream: false)).status == 200)
        next.withLock { $0 = nil }
        #expect(await router.server.reload() == false)
        #expect(try await post(router.url + "/v1/chat/completions", body: chatBody(model: "m2", stream: false)).status == 200)
        await router.stop()
    }
}
