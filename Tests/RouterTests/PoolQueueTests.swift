import InferenceAPI
import Logging
import Router
import Testing

@Suite("BackendPool")
struct PoolQueueTests {
    static var quietLogger: Logger {
        var logger = Logger(label: "pool-test")
        logger.logLevel = .critical
        return logger
    }

    static func pool(
        backends: Int, capacity: Int?, admission: AdmissionConfig = AdmissionConfig(), health: HealthSettings = HealthSettings()
    ) -> BackendPool {
        let config = PoolConfig(
            model: "m", policy: .leastOutstanding,
            backends: (0..<backends).map { BackendConfig(url: "http://127.0.0.1:\(9000 + $0)") }, admission: admission)
        return BackendPool(
            config: config, policy: FewestInFlightTestPolicy(capacity: capacity), health: health, metrics: RouterMetrics(),
            logger: Self.quietLogger)
    }

    static func request(_ id: String) -> RoutedRequest { RoutedRequest(id: id, model: "m", promptTokens: 4) }

    @Test("leases count in flight and prefilling per backend; first token and finish lower them")
    func accounting() async throws {
        let pool = Self.pool(backends: 2, capacity: nil)
        var first = try await pool.acquire(Self.request("a"))
        let second = try await pool.acquire(Self.request("b"))
        #expect(first.backend == 0)
        #expect(second.backend == 1)
        #expect(pool.views.map(\.inFlight) == [1, 1])
        #expect(pool.views.map(\.prefilling) == [1, 1])
        first.firstToken(now: first.startedAt + 0.01)
        #expect(pool.views.map(\.prefilling) == [0, 1])
        #expect(pool.views.map(\.inFlight) == [1, 1])
        first.finish(.success)
        second.finish(.success)
        #expect(pool.views.map(\.inFlight) == [0, 0])
        #expect(pool.views.map(\.prefilling) == [0, 0])
    }

    @Test("a held request waits in the queue and gets the backend a finish frees")
    func holdThenRelease() async throws {
        let pool = Self.pool(backends: 1, capacity: 1)
        let first = try await pool.acquire(Self.request("a"))
        let waiting = Task { try await pool.acquire(Self.request("b")) }
        while pool.queuedCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        #expect(pool.views[0].inFlight == 1)
        first.finish(.success)
        let second = try await waiting.value
        #expect(second.backend == 0)
        #expect(second.request.id == "b")
        #expect(pool.queuedCount == 0)
        #expect(pool.views[0].inFlight == 1)
        second.finish(.success)
    }

    @Test("beyond maxQueued a request gets 429 queue_full; after the queue timeout 408 queue_timeout")
    func fullAndTimeout() async throws {
        let pool = Self.pool(backends: 1, capacity: 1, admission: AdmissionConfig(maxQueued: 1, queueTimeoutSeconds: 0.2))
        let first = try await pool.acquire(Self.request("a"))
        let clock = ContinuousClock()
        let started = clock.now
        let queued = Task { () -> InferenceAPIError? in
            do { _ = try await pool.acquire(Self.request("b")); return nil } catch { return error as? InferenceAPIError }
        }
        while pool.queuedCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        do {
            _ = try await pool.acquire(Self.request("c"))
            Issue.record("the third request should have been refused")
        } catch {
            #expect(error.status == 429)
            #expect(error.code == "queue_full")
        }
        let timedOut = await queued.value
        #expect(timedOut?.status == 408)
        #expect(timedOut?.code == "queue_timeout")
        let waited = clock.now - started
        #expect(waited >= .milliseconds(190) && waited < .seconds(30))
        #expect(pool.queuedCount == 0)
        first.finish(.success)
    }

    @Test("maxInFlightPerBackend makes a backend at its cap unavailable to the policy")
    func perBackendCap() async throws {
        let pool = Self.pool(backends: 2, capacity: nil, admission: AdmissionConfig(maxInFlightPerBackend: 1))
        let a = try await pool.acquire(Self.request("a"))
        let b = try await pool.acquire(Self.request("b"))
        #expect(Set([a.backend, b.backend]) == [0, 1])
        #expect(pool.views.map(\.available) == [false, false])
        let waiting = Task { try await pool.acquire(Self.request("c")) }
        while pool.queuedCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        b.finish(.success)
        let c = try await waiting.value
        #expect(c.backend == b.backend)
        a.finish(.success)
        c.finish(.success)
    }

    @Test("failures open a backend's breaker: it is no longer picked, and a retry avoids the failed backend")
    func breakerAndAvoid() async throws {
        let pool = Self.pool(backends: 2, capacity: nil, health: HealthSettings(failureThreshold: 2, openSeconds: 60))
        for _ in 0..<2 {
            let lease = try await pool.acquire(Self.request("x"))
            #expect(lease.backend == 0)
            lease.finish(.failure)
        }
        #expect(pool.views.map(\.available) == [false, true])
        let next = try await pool.acquire(Self.request("y"))
        #expect(next.backend == 1)
        next.finish(.success)
        let retry = try await pool.acquire(Self.request("z"), avoiding: [1])
        #expect(retry.backend == 1)  // the only backend available: avoidance yields
        retry.finish(.success)
    }

    @Test("a failed health probe marks a backend down; a passing one brings it back and serves the queue")
    func probes() async throws {
        let pool = Self.pool(backends: 1, capacity: nil, health: HealthSettings(failureThreshold: 5))
        pool.recordProbe(backend: 0, healthy: false, engine: nil)
        #expect(!pool.isReady)
        let waiting = Task { try await pool.acquire(Self.request("a")) }
        while pool.queuedCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        let load = EngineLoad(running: 3, waiting: 1, kvCacheUsage: 0.5, ageSeconds: 0)
        pool.recordProbe(backend: 0, healthy: true, engine: load)
        let lease = try await waiting.value
        #expect(lease.backend == 0)
        #expect(pool.isReady)
        #expect(pool.views[0].engine == load)
        lease.finish(.success)
    }
}
