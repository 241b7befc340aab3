import Foundation
import Testing
@testable import GeoPlacement

@Suite struct GeoOnlineSimulationTests {
    private let instance = hubInstance(blocks: 10, cacheBytesPerToken: 0.01, promptTokens: 1, outputTokens: 4,
                                       rtt: [0.1, 0.02, 0.05, 0.005], decode: [0.003, 0.016, 0.003, 0.016],
                                       prefill: [0.03, 0.2, 0.03, 0.2], memory: [7, 4, 6, 3])

    private func run(seed: UInt64, delay: Double = 0) throws -> GeoOnlineResult {
        let config = GeoOnlineConfig(requests: 60, arrivalRate: 5, seed: seed, allocationDelay: delay)
        return try GeoOnlineSimulation.run(instance: instance, config: config) {
            try WSRRRouter(instance: instance, plannedRequests: 4)
        }
    }

    @Test func isDeterministic() throws {
        var a = try run(seed: 7)
        var b = try run(seed: 7)
        #expect(a.runtimeSeconds > 0)
        a.runtimeSeconds = 0
        b.runtimeSeconds = 0
        #expect(a == b)
        #expect(a.completed == 60)
        #expect(a.meanWait > 0)
        #expect(a.meanTTFT >= a.meanWait)
        var c = try run(seed: 8)
        c.runtimeSeconds = 0
        #expect(c != a)
        let config = GeoOnlineConfig(requests: 5, arrivalRate: 1, seed: 3)
        #expect(GeoOnlineSimulation.arrivals(config: config, clients: 1) == GeoOnlineSimulation.arrivals(config: config, clients: 1))
    }

    @Test func allocationDelayIsCountedAndHeld() throws {
        let plain = try run(seed: 7)
        let delayed = try run(seed: 7, delay: 60)
        #expect(delayed.meanTTFT - delayed.meanWait >= 60)
        #expect(delayed.meanPerTokenSeconds > plain.meanPerTokenSeconds + 60.0 / 4 - 1e-9)
    }

    @Test func resultKeys() throws {
        let json = try JSONEncoder().encode(GeoOnlineResult(meanPerTokenSeconds: 1, meanTTFT: 2, meanWait: 3, runtimeSeconds: 4, completed: 5))
        let keys = try #require(JSONSerialization.jsonObject(with: json) as? [String: Any]).keys
        #expect(Set(keys) == ["meanPerTokenSeconds", "meanTTFT", "meanWait", "runtimeSeconds", "completed"])
    }
}
