import Foundation
import Testing
import ServingModel
@testable import Simulation

/// The simulator against closed-form queueing results.
@Suite struct QueueingTheoryTests {
    /// Erlang C: probability of waiting in M/M/c with offered load a = λ/μ.
    static func erlangC(servers c: Int, offeredLoad a: Double) -> Double {
        var term = 1.0
        var sum = 1.0
        for k in 1..<max(c, 1) {
            term *= a / Double(k)
            sum += term
        }
        let top = term * a / Double(c) / (1 - a / Double(c))
        return c == 1 ? a : top / (sum + top)
    }

    /// Batch size 1, one prefill iteration per request whose length is τ·⌈Exp(1000)⌉ (a discretised
    /// exponential, squared CV e^(−1/1000) ≈ 0.999), one central FCFS queue: M/M/c. The mean wait
    /// of 8 seeds must contain Erlang C's Wq = C(c, a) / (cμ − λ) in its 99% confidence interval.
    @Test(arguments: [(1, 0.5), (1, 0.9), (8, 0.5), (8, 0.9)])
    func mmcWaitingTimeMatchesErlangC(servers: Int, utilisation: Double) {
        let tokenSeconds = 0.001
        let meanTokens = 1 / (1 - Foundation.exp(-1.0 / 1000))  // E⌈Exp(1000)⌉
        let mu = 1 / (tokenSeconds * meanTokens)
        let lambda = utilisation * Double(servers) * mu
        let expected = Self.erlangC(servers: servers, offeredLoad: lambda / mu) / (Double(servers) * mu - lambda)
        let customers = utilisation > 0.8 ? 120_000.0 : 40_000.0
        let horizon = customers / lambda
        let model = LinearIterationTime(perIteration: 0, perPrefillToken: tokenSeconds)
        let configuration = SimulationConfiguration(
            replicas: replicas(servers, model: model, batchSize: 1, chunkSize: 1 << 30, kv: 1 << 30),
            classNames: ["mm"], horizon: horizon, warmup: horizon * 0.05, sampleCount: 0)
        var means: [Double] = []
        for seed in 1...8 as ClosedRange<UInt64> {
            var source = PoissonSource(rate: lambda, horizon: horizon, seed: seed, promptMean: 1000)
            let report = Simulator(configuration: configuration, policy: CentralQueueRouting(), seed: seed).run(&source)
            means.append(report.overall.queueDelay.mean)
        }
        let mean = means.reduce(0, +) / Double(means.count)
        let variance = means.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(means.count - 1)
        let halfWidth = 3.499 * (variance / Double(means.count)).squareRoot()  // t(0.995, 7)
        #expect(abs(mean - expected) <= halfWidth, "simulated \(mean) ± \(halfWidth), Erlang C \(expected)")
    }

    /// Little's law L = λW on a token-level run (chunked prefill, decodes, 4 replicas).
    @Test func littlesLawHolds() {
        let model = LinearIterationTime(perIteration: 0.02, perPrefillToken: 5e-5)
        let configuration = SimulationConfiguration(
            replicas: replicas(4, model: model, batchSize: 16, chunkSize: 256, kv: 20_000),
            classNames: ["chat"], horizon: 6_000, warmup: 300, sampleCount: 0)
        var source = PoissonSource(rate: 8, horizon: 6_000, seed: 3, promptMean: 300, outputMean: 60)
        let report = Simulator(configuration: configuration, policy: LeastOutstandingRouting(), seed: 3).run(&source)
        let littleL = report.arrivalRate * report.overall.meanTimeInSystem
        #expect(report.overall.completed > 40_000)
        #expect(abs(report.meanInSystem - littleL) / littleL < 0.01, "L \(report.meanInSystem) vs λW \(littleL)")
    }

    /// Same seed, same numbers, bit for bit (wall-clock fields aside).
    @Test func deterministicReplay() throws {
        let model = LinearIterationTime(perIteration: 0.02, perPrefillToken: 5e-5)
        let configuration = SimulationConfiguration(
            replicas: replicas(3, model: model, batchSize: 8, chunkSize: 128, kv: 4_000),
            classNames: ["chat"], horizon: 500, warmup: 50, meanPatience: [5], sampleCount: 20)
        func run() throws -> Data {
            var source = PoissonSource(rate: 12, horizon: 500, seed: 9, promptMean: 300, outputMean: 80)
            var report = Simulator(configuration: configuration, policy: PowerOfTwoRouting(seed: 9), seed: 9).run(&source)
            report.wallSeconds = 0
            report.eventsPerSecond = 0
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            return try encoder.encode(report)
        }
        let first = try run()
        let second = try run()
        #expect(first == second)
        var source = PoissonSource(rate: 12, horizon: 500, seed: 9, promptMean: 300, outputMean: 80)
        let report = Simulator(configuration: configuration, policy: PowerOfTwoRouting(seed: 9), seed: 9).run(&source)
        #expect(report.overall.abandoned > 0, "the overloaded run exercises abandonment")
    }
}
