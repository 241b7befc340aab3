import AsyncHTTPClient
import Foundation
import InferenceAPI
import NIOCore
import Router
import Testing

@Suite("RouterServer failover and drain", .serialized)
struct ProxyFailoverTests {
    @Test("a backend that died after its last probe: its requests are retried on the other (connect error), none lost")
    func deadBackendRetried() async throws {
        let dying = try await FakeBackend(name: "dying", behaviour: .normal(chunks: 2))
        let good = try await FakeBackend(name: "good", behaviour: .normal(chunks: 2))
        defer { good.stop() }
        let config = ServeConfig(
            pools: [poolConfig("m", [dying.url, good.url])], health: HealthSettings(intervalSeconds: 60, failureThreshold: 100),
            retry: RetrySettings(maxAttempts: 2))
        let router = try await RouterHarness(config: config)
        await dying.stopAndWait()
        var statuses: [Int] = []
        for index in 0..<6 {
            let answer = try await post(router.url + "/v1/chat/completions", body: chatBody(model: "m", stream: index % 2 == 0))
            statuses.append(answer.status)
            #expect(String(decoding: answer.body, as: UTF8.self).contains(#""backend":"good""#))
        }
        #expect(statuses == Array(repeating: 200, count: 6))
        #expect(good.received == 6)
        let metrics = try await get(router.url + "/metrics").body
        #expect(metrics.contains(#"gpusched_router_retries_total{model="m",reason="connect_error"}"#))
        await router.stop()
    }

    @Test("a graceful shutdown lets a stream in flight finish, then run returns")
    func drainOnShutdown() async throws {
        let slow = try await FakeBackend(name: "slow", behaviour: .slow(seconds: 0.3, chunks: 4))
        defer { slow.stop() }
        let router = try await RouterHarness(config: ServeConfig(pools: [poolConfig("m", [slow.url])]))
        let inFlight = Task { try await post(router.url + "/v1/chat/completions", body: chatBody(model: "m", stream: true)) }
        while slow.received == 0 { try await Task.sleep(for: .milliseconds(5)) }
        await router.server.shutdown()
        let answer = try await inFlight.value
        #expect(answer.status == 200)
        #expect(answer.body == FakeBackend.stream(name: "slow", chunks: 4))
        let clock = ContinuousClock()
        let started = clock.now
        await router.waitUntilStopped()
        #expect(clock.now - started < .seconds(5))
        let refused = try? await get(router.url + "/health")
        #expect(refused == nil)
    }
}
