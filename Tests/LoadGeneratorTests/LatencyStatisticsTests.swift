import LoadGenerator
import Testing

struct LatencyStatisticsTests {
    @Test func nearestRankPercentilesOfOneToHundred() {
        // Shuffled, so the order of the samples does not matter.
        var generator = SystemRandomNumberGenerator()
        let samples = (1...100).map(Double.init).shuffled(using: &generator)
        let stats = LatencyStatistics(samples: samples)
        #expect(stats.count == 100)
        #expect(stats.mean == 50.5)
        #expect(stats.p50 == 50)
        #expect(stats.p90 == 90)
        #expect(stats.p95 == 95)
        #expect(stats.p99 == 99)
        #expect(stats.maximum == 100)
    }

    @Test func smallSamplesRoundTheRankUp() {
        let stats = LatencyStatistics(samples: [0.4, 0.1, 0.3, 0.2])
        // ⌈0.5·4⌉ = 2nd, ⌈0.9·4⌉ = 4th, ⌈0.99·4⌉ = 4th smallest.
        #expect(stats.p50 == 0.2)
        #expect(stats.p90 == 0.4)
        #expect(stats.p99 == 0.4)
        #expect(abs(stats.mean - 0.25) < 1e-15)
        let single = LatencyStatistics(samples: [7])
        #expect(single.p50 == 7 && single.p99 == 7 && single.mean == 7)
    }

    @Test func noSamplesAreNaN() {
        let stats = LatencyStatistics(samples: [])
        #expect(stats.count == 0)
        #expect(stats.mean.isNaN && stats.p50.isNaN && stats.p99.isNaN && stats.maximum.isNaN)
    }

    @Test func outcomeTPOTIsTheSimulatorsDefinition() {
        // First token at 0.1 s, tenth at 0.28 s: 9 gaps of 20 ms.
        let outcome = RequestOutcome(sentAt: 0, ttft: 0.1, lastToken: 0.28, e2e: 0.29, chunks: 10, usageTokens: 10)
        #expect(abs((outcome.tpot ?? 0) - 0.02) < 1e-12)
        #expect(!outcome.usageMismatch)
        let one = RequestOutcome(sentAt: 0, ttft: 0.1, lastToken: 0.1, e2e: 0.1, chunks: 1, usageTokens: 1)
        #expect(one.tpot == nil)
        let mismatched = RequestOutcome(sentAt: 0, ttft: 0.1, lastToken: 0.28, e2e: 0.29, chunks: 10, usageTokens: 11)
        #expect(mismatched.usageMismatch)
        #expect(RequestOutcome(sentAt: 0, failure: .transport).tpot == nil)
    }
}
