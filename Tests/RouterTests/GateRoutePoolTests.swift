import Foundation
import Logging
import Testing

@testable import Router

/// The gate-and-route policy inside a real `BackendPool`: held requests wait in the pool's queue and
/// go out, in the gate's class order, as first tokens free prefill slots.
@Suite struct GateRoutePoolTests {
    static func pool(backends: Int) -> BackendPool {
        var logger = Logger(label: "gate-test")
        logger.logLevel = .critical
        let settings = GateRouteSettings(classes: [
            GateRouteClassSettings(name: "code", maxPromptTokens: 100, occupancyTarget: 0.01826, queueTarget: 0.3173),
            GateRouteClassSettings(name: "summarize", occupancyTarget: 0.19495),
        ], maxStreams: 16)
        let config = PoolConfig(
            model: "m", policy: .gateAndRoute(settings),
            backends: (0..<backends).map { BackendConfig(url: "http://127.0.0.1:\(1 + $0)") })
        return BackendPool(config: config, policy: GateAndRoutePolicy(settings: settings), health: HealthSettings(), metrics: RouterMetrics(), logger: logger)
    }

    static func request(_ id: String, tokens: Int) -> RoutedRequest {
        RoutedRequest(id: id, model: "m", promptTokens: tokens, requestClass: tokens <= 100 ? 0 : 1, stream: true)
    }

    /// Waits (bounded) until `pool` holds `count` requests.
    static func waitQueued(_ pool: BackendPool, _ count: Int) async throws {
        for _ in 0..<500 where pool.queuedCount != count { try await Task.sleep(for: .milliseconds(2)) }
        #expect(pool.queuedCount == count)
    }

    @Test func heldRequestsGoOutInTheGatesClassOrderAsFirstTokensFreeSlots() async throws {
        let pool = Self.pool(backends: 2)
        var decoding = try await pool.acquire(Self.request("s1", tokens: 300))
        decoding.firstToken(now: MonotonicClock.seconds())
        var second = try await pool.acquire(Self.request("s2", tokens: 300))
        var third = try await pool.acquire(Self.request("s4", tokens: 300))
        #expect(second.backend != third.backend)
        // Both backends prefill: a summarize and then a code request wait in the pool.
        let waitingSummarize = Task { try await pool.acquire(Self.request("s3", tokens: 300)) }
        try await Self.waitQueued(pool, 1)
        let waitingCode = Task { try await pool.acquire(Self.request("c1", tokens: 30)) }
        try await Self.waitQueued(pool, 2)
        // s1 finishes: the pool offers its queue again, no prefill slot is free, both stay.
        decoding.finish(.success)
        #expect(pool.queuedCount == 2)
        // s4's first token: X = (0, 1) on n = 2, ξ_code = 0/0.01826 − 2 = −2 < ξ_summarize = 1/0.19495 − 2 = 3.13,
        // so the younger code request takes the slot.
        third.firstToken(now: MonotonicClock.seconds())
        var code = try await waitingCode.value
        #expect(code.backend == third.backend)
        #expect(code.reason == "gate-open")
        #expect(pool.queuedCount == 1)
        second.firstToken(now: MonotonicClock.seconds())
        var summarize = try await waitingSummarize.value
        #expect(summarize.backend == second.backend)
        code.firstToken(now: MonotonicClock.seconds())
        summarize.firstToken(now: MonotonicClock.seconds())
        for lease in [second, third, code, summarize] { lease.finish(.success) }
        #expect(pool.views.allSatisfy { $0.inFlight == 0 && $0.prefilling == 0 })
    }
}
