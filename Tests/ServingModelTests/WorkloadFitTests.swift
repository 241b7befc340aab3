import Foundation
import Testing

@testable import ServingModel

// Maximum-likelihood fits of length families: closed-form estimates, likelihoods and KS distances.

private func fit(_ family: String, in results: [FitResult]) throws -> FitResult {
    try #require(results.first { $0.family == family }, "no \(family) fit")
}

@Suite struct WorkloadFitTests {

    @Test func lognormalFitMatchesTheClosedFormAndTheTrueParameters() throws {
        let samples = lengthSamples(.lognormal(mean: 800, sd: 400), count: 50_000, seed: 21)
        let results = DistributionFit.fitAll(samples)
        let lognormal = try fit("lognormal", in: results)
        // Closed form: μ, σ² = mean and 1/n variance of the logs; mean = e^(μ+σ²/2), sd = mean·√(e^σ² − 1).
        let (mu, logVariance) = meanAndVariance(samples.map { log(Double($0)) })
        let expectedMean = exp(mu + logVariance / 2)
        let expectedSD = expectedMean * (exp(logVariance) - 1).squareRoot()
        guard case let .lognormal(mean, sd) = lognormal.distribution else {
            Issue.record("lognormal fit has \(lognormal.distribution)")
            return
        }
        #expect(isClose(mean, expectedMean, relative: 1e-9))
        #expect(isClose(sd, expectedSD, relative: 1e-9))
        #expect(isClose(mean, 800, relative: 0.02))
        #expect(isClose(sd, 400, relative: 0.03))
        #expect(results.first?.family == "lognormal")
        #expect(lognormal.ksStatistic < 0.01)
        #expect(try fit("exponential", in: results).ksStatistic > 0.1)
        #expect(try fit("uniform", in: results).ksStatistic > 0.1)
    }

    @Test func exponentialFitIsTheSampleMean() throws {
        let samples = lengthSamples(.exponential(mean: 300), count: 50_000, seed: 22)
        let results = DistributionFit.fitAll(samples)
        let exponential = try fit("exponential", in: results)
        let sampleMean = Double(samples.reduce(0, +)) / Double(samples.count)
        #expect(exponential.distribution == .exponential(mean: sampleMean))
        #expect(exponential.parameterValues == ["mean": sampleMean])
        #expect(isClose(sampleMean, 300, relative: 0.02))
        #expect(results.first?.family == "exponential")
        #expect(exponential.ksStatistic < 0.01)
        #expect(try fit("lognormal", in: results).ksStatistic > 0.05)
    }

    @Test func uniformFitIsTheSampleRange() throws {
        let samples = lengthSamples(.uniform(min: 10, max: 500), count: 50_000, seed: 23)
        let results = DistributionFit.fitAll(samples)
        #expect(try fit("uniform", in: results).distribution == .uniform(min: 10, max: 500))
        #expect(try fit("uniform", in: results).parameterValues == ["min": 10, "max": 500])
        #expect(try fit("uniform", in: results).parameters == "min=10 max=500")
        #expect(results.first?.family == "uniform")
        #expect(try fit("uniform", in: results).ksStatistic < 0.01)
        #expect(try fit("exponential", in: results).ksStatistic > 0.1)
    }

    @Test func fixedOnlyWhenAllLengthsAreEqual() throws {
        let results = DistributionFit.fitAll(Array(repeating: 42, count: 100))
        let best = try #require(results.first)
        #expect(best.family == "fixed")
        #expect(best.distribution == .fixed(42))
        #expect(best.parameterValues == ["value": 42] && best.parameters == "value=42")
        #expect(best.logLikelihood == 0 && best.ksStatistic == 0 && best.aic == 2)
        #expect(!DistributionFit.fitAll([42, 43]).contains { $0.family == "fixed" })
        #expect(DistributionFit.fitAll([]).isEmpty)
    }

    @Test func likelihoodAndKSOfASmallSampleByHand() throws {
        let samples = [1, 1, 2, 4]
        let results = DistributionFit.fitAll(samples)
        // Uniform 1...4: each value has probability 1/4; the CDFs differ most at 1 and 2 (by 1/4).
        let uniform = try fit("uniform", in: results)
        #expect(abs(uniform.logLikelihood - 4 * log(0.25)) < 1e-12)
        #expect(abs(uniform.ksStatistic - 0.25) < 1e-12)
        #expect(abs(uniform.aic - (4 - 8 * log(0.25))) < 1e-12)
        // Exponential, mean 2, rounded: P(1) = 1 − e^(−1.5/2), P(k) = e^(−(k−½)/2) − e^(−(k+½)/2).
        let exponential = try fit("exponential", in: results)
        let expected = 2 * log(1 - exp(-0.75)) + log(exp(-0.75) - exp(-1.25)) + log(exp(-1.75) - exp(-2.25))
        #expect(abs(exponential.logLikelihood - expected) < 1e-12)
        #expect(abs(exponential.aic - (2 - 2 * expected)) < 1e-12)
        // Largest CDF gap: at 4, where the sample's CDF is 1 and the fit's 1 − e^(−4.5/2).
        #expect(abs(exponential.ksStatistic - exp(-2.25)) < 1e-12)
    }

    @Test func resultsAreSortedByAIC() {
        let results = DistributionFit.fitAll(lengthSamples(.lognormal(mean: 50, sd: 80), count: 2_000))
        #expect(results.map(\.family).sorted() == ["exponential", "lognormal", "uniform"])
        #expect(zip(results, results.dropFirst()).allSatisfy { $0.aic <= $1.aic })
    }

    @Test func farTailLengthsKeepAFiniteLikelihood() {
        // One huge length in an exponential sample: its bin probability underflows; the density stands in.
        let results = DistributionFit.fitAll(Array(repeating: 1, count: 2_000) + [100_000])
        #expect(results.allSatisfy { $0.logLikelihood.isFinite })
    }
}
