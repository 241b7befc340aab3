import Testing
import ServingModel
@testable import Cascade

/// The cascade driver: judge latency and escalation accounted for exactly.
@Suite struct CascadeSimulatorTests {
    let samples: QualitySamples
    let models: [ModelSpec]
    let engine: CascadeEngine
    /// Two TP1 replicas of the 7B.
    let small: CascadeStage

    init() throws {
        samples = try Fixture.synthetic(requests: 300)
        models = try Fixture.deepseek()
        engine = try Fixture.engine()
        small = CascadeStage(model: models[0], sampleColumn: 0, layout: StageLayout(layout: ParallelLayout(), replicas: 2), gpus: 2)
    }

    /// `replicas` TP4 replicas of the 70B.
    func large(replicas: Int) -> CascadeStage {
        CascadeStage(
            model: models[1], sampleColumn: 1,
            layout: StageLayout(layout: ParallelLayout(tensorParallel: 4), replicas: replicas), gpus: 4 * replicas)
    }

    func run(_ stages: [CascadeStage], thresholds: [Double], rate: Double, requests: Int, seed: UInt64) -> [Double] {
        CascadeSimulator.run(
            CascadeConfiguration(name: "test", stages: stages, thresholds: thresholds), samples: samples, rate: rate,
            engine: engine, settings: CascadeSimulationSettings(requests: requests, judgeLatency: 0.27), seed: seed)
    }

    /// Threshold 0 accepts every answer of the first stage: each request's latency is exactly the
    /// first stage alone (same arrivals, same sampled requests) plus one judge call.
    @Test func acceptedAnswersPayOneJudgeCall() {
        let alone = run([small], thresholds: [], rate: 2, requests: 400, seed: 5)
        let cascade = run([small, large(replicas: 1)], thresholds: [0], rate: 2, requests: 400, seed: 5)
        #expect(alone.count == 360 && cascade.count == 360)
        #expect(zip(alone, cascade).allSatisfy { abs($1 - $0 - 0.27) < 1e-9 })
    }

    /// With every request escalated, each pays the first stage, one judge call and the second stage,
    /// so every latency exceeds the first stage's alone by more than the judge's 0.27 s.
    @Test func escalatedRequestsRunBothStages() {
        let alone = run([small], thresholds: [], rate: 1, requests: 300, seed: 9)
        let escalated = run([small, large(replicas: 2)], thresholds: [101], rate: 1, requests: 300, seed: 9)
        #expect(zip(alone, escalated).allSatisfy { $1 > $0 + 0.27 })
    }
}
