import Planning
import Testing

@Suite struct EstimateTests {
    @Test func threeSeedsByHand() {
        // mean 41.3; deviations -0.1, -0.5, 0.6: variance 0.62 / 2 = 0.31, std 0.55678;
        // half-width t(0.975, 2) × std / √3 = 4.303 × 0.32146 = 1.38324.
        let estimate = Estimate([41.2, 40.8, 41.9])
        #expect(abs(estimate.mean - 41.3) < 1e-12)
        #expect(abs(estimate.std - 0.31.squareRoot()) < 1e-12)
        #expect(abs(estimate.halfWidth95 - 4.303 * (0.31 / 3).squareRoot()) < 1e-12)
        #expect(estimate.samples == 3)
    }

    @Test func oneSeedHasNoInterval() {
        let estimate = Estimate([2, .nan])
        #expect(estimate.mean == 2 && estimate.std == 0 && estimate.halfWidth95.isNaN && estimate.samples == 1)
        #expect(Estimate([]).mean.isNaN)
    }

    @Test func scaledMultipliesEveryFigure() {
        let estimate = Estimate([1, 3]).scaled(by: 1000)
        #expect(estimate.mean == 2000 && abs(estimate.std - 2.squareRoot() * 1000) < 1e-9)
    }

    @Test func seedRunsKeepOrderAndAnnounceEachSeed() {
        final class Lines: @unchecked Sendable { var all: [String] = [] }
        let lines = Lines()
        let squares = SeedRuns.map([3, 1, 2], progress: ProgressReporter { lines.all.append($0) }, label: "plan") { $0 * $0 }
        #expect(squares == [9, 1, 4])
        #expect(lines.all == ["plan: seed 1 of 3", "plan: seed 2 of 3", "plan: seed 3 of 3"])
        #expect(SeedRuns.consecutive(from: UInt64.max - 1, count: 3) == [UInt64.max - 1, UInt64.max, UInt64.max])
    }
}
