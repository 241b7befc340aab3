import Foundation
import Testing
@testable import Simulation

/// The latency distribution (`cdf`) of histograms and its pooling over seeds, against order
/// statistics found by sorting the samples.
@Suite struct LatencyCDFTests {
    @Test func fractionsAreTheReportedGrid() {
        let fractions = LatencyCDF.fractions
        #expect(fractions.count == 26)
        #expect(fractions.prefix(3) == [0.01, 0.025, 0.05])
        #expect(fractions.suffix(6) == [0.95, 0.975, 0.99, 0.995, 0.999, 1])
        #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $0 < $1 })
        // 0.05 … 0.95 in steps of 0.05, each the double nearest its decimal.
        for step in 1...19 { #expect(fractions.contains(Double(String(format: "0.%02d", step * 5)) ?? .nan)) }
    }

    /// 1000 samples of 1 … 1000 ms, recorded out of order: each point is within the histogram's
    /// 0.5 % of the ⌈f·n⌉-th smallest sample, the last is the exact maximum, and the summary's
    /// percentiles agree with `percentile`.
    @Test func pointsMatchSortedOrderStatistics() {
        let samples = (1...1000).map { Double(($0 * 7919) % 1000 + 1) / 1000 }
        #expect(Set(samples).count == 1000)
        var histogram = LatencyHistogram()
        for sample in samples { histogram.record(sample) }
        let sorted = samples.sorted()
        let cdf = histogram.cdf()
        #expect(cdf.map(\.fraction) == LatencyCDF.fractions)
        for point in cdf {
            let exact = sorted[Int((point.fraction * 1000).rounded(.up)) - 1]
            #expect(abs(point.seconds - exact) <= 0.005 * exact, "fraction \(point.fraction): \(point.seconds) vs \(exact)")
        }
        #expect(cdf.last?.seconds == 1)
        #expect(zip(cdf, cdf.dropFirst()).allSatisfy { $0.seconds <= $1.seconds })
        // The summary's percentiles are the ones `percentile` reads bucket by bucket.
        let summary = histogram.summary
        #expect(summary.cdf == cdf)
        #expect(summary.p50 == histogram.percentile(0.5) && summary.p90 == histogram.percentile(0.9))
        #expect(summary.p95 == histogram.percentile(0.95) && summary.p99 == histogram.percentile(0.99))
        // By hand: the 500th smallest is 0.5 s, the 990th 0.99 s.
        #expect(abs(summary.p50 - 0.5) <= 0.0025 && abs(summary.p99 - 0.99) <= 0.005)
    }

    @Test func emptyAndSingleSample() {
        #expect(LatencyHistogram().cdf().isEmpty)
        #expect(LatencyHistogram().summary.cdf.isEmpty)
        var one = LatencyHistogram()
        one.record(0.25)
        #expect(one.cdf().count == LatencyCDF.fractions.count)
        #expect(one.cdf().allSatisfy { $0.seconds == 0.25 })
    }

    /// Seeds pool point by point; a seed without samples is left out, as its nan p50 is.
    @Test func seedMeanAveragesSeedsWithSamples() {
        var fast = LatencyHistogram(), slow = LatencyHistogram()
        for _ in 0..<3 { fast.record(0.1) }
        slow.record(0.3)
        let pooled = LatencySummary.seedMean([fast.summary, LatencyHistogram().summary, slow.summary])
        #expect(pooled.count == 4)
        #expect(pooled.cdf.count == LatencyCDF.fractions.count)
        for point in pooled.cdf { #expect(abs(point.seconds - 0.2) < 1e-12) }
        #expect(abs(pooled.p50 - 0.2) < 1e-12)
        // Weighted by samples: (3 × 0.1 + 1 × 0.3) / 4 = 0.15.
        let weighted = LatencyCDF.mean([fast.cdf(), slow.cdf()], weights: [3, 1])
        for point in weighted { #expect(abs(point.seconds - 0.15) < 1e-12) }
        #expect(LatencyCDF.mean([[], []]).isEmpty)
        #expect(LatencySummary.seedMean([LatencyHistogram().summary]).cdf.isEmpty)
    }

    /// The JSON shape the reports read: `{"fraction": f, "seconds": s}` points under `cdf`.
    @Test func encodesPoints() throws {
        var histogram = LatencyHistogram()
        histogram.record(0.5)
        let data = try JSONEncoder().encode(histogram.summary)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let points = try #require(object["cdf"] as? [[String: Double]])
        #expect(points.count == 26)
        #expect(points.last == ["fraction": 1, "seconds": 0.5])
    }
}
