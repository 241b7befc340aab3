import Foundation
import Testing

@testable import ServingModel

// Length distributions and arrival processes: sample moments against closed forms.

@Suite struct WorkloadDistributionTests {

    // MARK: Lengths

    @Test func fixedAlwaysGivesItsLengthAndClampsAtOne() {
        #expect(Set(lengthSamples(.fixed(300), count: 100)) == [300])
        #expect(Set(lengthSamples(.fixed(0), count: 10)) == [1])
        #expect(LengthDistribution.fixed(300).mean == 300)
        #expect(LengthDistribution.fixed(-4).mean == 1)
    }

    @Test func exponentialMeanAndVarianceMatchClosedForm() {
        let (mean, variance) = meanAndVariance(lengthSamples(.exponential(mean: 250), count: 200_000).map(Double.init))
        #expect(isClose(mean, 250, relative: 0.01))
        // Var = mean² (+1/12 from rounding, negligible here).
        #expect(isClose(variance, 250 * 250, relative: 0.03))
        #expect(LengthDistribution.exponential(mean: 250).mean == 250)
    }

    @Test func roundingAndClampFollowTheDocumentedLaw() {
        // With mean 0.5, a draw becomes 1 whenever it is below 1.5: P = 1 − e^(−3).
        let samples = lengthSamples(.exponential(mean: 0.5), count: 100_000)
        #expect(samples.allSatisfy { $0 >= 1 })
        let ones = Double(samples.filter { $0 == 1 }.count) / Double(samples.count)
        #expect(abs(ones - (1 - exp(-3))) < 0.003)
    }

    @Test func lognormalMatchesTheLengthsMeanAndSD() {
        let samples = lengthSamples(.lognormal(mean: 800, sd: 400), count: 200_000).map(Double.init)
        let (mean, variance) = meanAndVariance(samples)
        #expect(isClose(mean, 800, relative: 0.01))
        #expect(isClose(variance.squareRoot(), 400, relative: 0.02))
        // log-lengths are normal with σ² = ln(1 + (sd/mean)²).
        let (_, logVariance) = meanAndVariance(samples.map { log($0) })
        #expect(isClose(logVariance, log(1.25), relative: 0.02))
    }

    @Test func lognormalWithZeroSDIsFixed() {
        #expect(Set(lengthSamples(.lognormal(mean: 120, sd: 0), count: 100)) == [120])
    }

    @Test func uniformCoversItsRangeEvenly() {
        let samples = lengthSamples(.uniform(min: 10, max: 500), count: 200_000)
        #expect(samples.min() == 10 && samples.max() == 500)
        let (mean, variance) = meanAndVariance(samples.map(Double.init))
        #expect(isClose(mean, 255, relative: 0.01))
        // Discrete uniform over n = 491 values: (n² − 1)/12.
        #expect(isClose(variance, (491.0 * 491 - 1) / 12, relative: 0.02))
        #expect(LengthDistribution.uniform(min: 10, max: 500).mean == 255)
        #expect(LengthDistribution.uniform(min: -1, max: 2).mean == 1.25)  // -1, 0 count as 1
    }

    @Test func empiricalDrawsEachEntryEquallyOften() {
        let samples = lengthSamples(.empirical([5, 7, 7]), count: 60_000)
        #expect(Set(samples) == [5, 7])
        let sevens = Double(samples.filter { $0 == 7 }.count) / Double(samples.count)
        #expect(abs(sevens - 2.0 / 3) < 0.01)
        #expect(LengthDistribution.empirical([0, 4]).mean == 2.5)
    }

    // MARK: Arrivals

    private func gaps(_ process: ArrivalProcess, count: Int, seed: UInt64 = 3) -> [Double] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { _ in process.nextGap(&random) }
    }

    @Test func poissonGapsHaveMeanOneOverRateAndCVOne() {
        let (mean, variance) = meanAndVariance(gaps(.poisson(rate: 20), count: 200_000))
        #expect(isClose(mean, 1.0 / 20, relative: 0.01))
        #expect(isClose(variance.squareRoot() / mean, 1, relative: 0.015))
        #expect(ArrivalProcess.poisson(rate: 20).rate == 20)
    }

    @Test(arguments: [0.5, 1.0, 2.0])
    func gammaGapsHaveTheRequestedMeanAndCV(cv: Double) {
        let (mean, variance) = meanAndVariance(gaps(.gamma(rate: 5, cv: cv), count: 200_000))
        #expect(isClose(mean, 1.0 / 5, relative: 0.02))
        #expect(isClose(variance.squareRoot() / mean, cv, relative: 0.03))
        #expect(ArrivalProcess.gamma(rate: 5, cv: cv).rate == 5)
    }

    @Test func gammaWithZeroCVIsPerfectlyRegular() {
        #expect(Set(gaps(.gamma(rate: 4, cv: 0), count: 50)) == [0.25])
    }

    @Test func sameSeedSameGapsDifferentSeedDifferentGaps() {
        #expect(gaps(.gamma(rate: 5, cv: 2), count: 100, seed: 9) == gaps(.gamma(rate: 5, cv: 2), count: 100, seed: 9))
        #expect(gaps(.poisson(rate: 5), count: 100, seed: 9) != gaps(.poisson(rate: 5), count: 100, seed: 10))
    }
}
