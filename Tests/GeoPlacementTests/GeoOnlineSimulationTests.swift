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
        #expect(a.wallSeconds > 0)
        a.wallSeconds = 0
        b.wallSeconds = 0
        #expect(a == b)
        #expect(a.completed == 60)
        #expect(a.meanWaitSeconds > 0)
        #expect(a.meanTTFTSeconds >= a.meanWaitSeconds)
        var c = try run(seed: 8)
        c.wallSeconds = 0
        #expect(c != a)
        let config = GeoOnlineConfig(requests: 5, arrivalRate: 1, seed: 3)
        #expect(GeoOnlineSimulation.arrivals(config: config, clients: 1) == GeoOnlineSimulation.arrivals(config: config, clients: 1))
    }

    @Test func allocationDelayIsCountedAndHeld() throws {
        let plain = try run(seed: 7)
        let delayed = try run(seed: 7, delay: 60)
        #expect(delayed.meanTTFTSeconds - delayed.meanWaitSeconds >= 60)
        #expect(delayed.meanPerTokenSeconds > plain.meanPerTokenSeconds + 60.0 / 4 - 1e-9)
    }

    /// One server holds all 4 blocks (RTT 0.1 s, prefill 0.05 s and decode 0.01 s per block, room for
    /// hundreds of sessions), requests of 5 output tokens about 100 s apart: none waits, and each
    /// takes t^I + 4 · 0.05 = 0.3 s to its first token and 0.3 + 4 · (0.1 + 4 · 0.01) = 0.86 s in
    /// all, 0.172 s per token. The encoded result has exactly the documented keys and these values.
    @Test func resultKeys() throws {
        let single = hubInstance(blocks: 4, cacheBytesPerToken: 0.01, promptTokens: 1, outputTokens: 5,
                                 rtt: [0.1], decode: [0.01], prefill: [0.05], memory: [100])
        let result = try GeoOnlineSimulation.run(instance: single, config: GeoOnlineConfig(requests: 10, arrivalRate: 0.01, seed: 3)) {
            try WSRRRouter(instance: single, plannedRequests: 4)
        }
        let json = try JSONEncoder().encode(result)
        let object = try #require(JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(Set(object.keys) == ["meanPerTokenSeconds", "meanTTFTSeconds", "meanWaitSeconds", "wallSeconds", "completed"])
        #expect(object["completed"] as? Int == 10)
        #expect(abs(try #require(object["meanPerTokenSeconds"] as? Double) - 0.172) < 1e-12)
        #expect(abs(try #require(object["meanTTFTSeconds"] as? Double) - 0.3) < 1e-12)
        #expect(object["meanWaitSeconds"] as? Double == 0)
        #expect(try #require(object["wallSeconds"] as? Double) > 0)
    }
}
