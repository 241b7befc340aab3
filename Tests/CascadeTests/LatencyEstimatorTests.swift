import Testing
import ServingModel
import Simulation
@testable import Cascade

/// The queueing approximation against the discrete-event simulator on the same replicas and
/// requests: the estimator's p95 must be within 15 % of the simulated p95 from light to heavy load.
@Suite struct LatencyEstimatorTests {
    /// Simulated p95 latency of `replicas` replicas of `option` at `rate` on `samples` (stage `stage`).
    func simulatedP95(model: ModelSpec, option: ReplicaOption, replicas: Int, samples: QualitySamples, stage: Int, rate: Double) throws -> Double {
        let cascade = CascadeConfiguration(
            name: "one", stages: [CascadeStage(
                model: model, sampleColumn: stage, layout: StageLayout(layout: option.layout, replicas: replicas),
                gpus: replicas * option.gpus)],
            thresholds: [])
        let latencies = CascadeSimulator.run(
            cascade, samples: samples, rate: rate, engine: try Fixture.engine(),
            settings: CascadeSimulationSettings(requests: 1500), seed: 3).sorted()
        return LatencyMetrics.quantile(latencies, 0.95)
    }

    @Test(arguments: [
        (0, 1, 1, 0.5), (0, 1, 2, 8.0), (0, 4, 1, 10.0), (1, 4, 1, 0.5), (1, 8, 2, 3.0), (2, 8, 1, 1.5),
    ])
    func estimateTracksTheSimulator(stage: Int, tp: Int, replicas: Int, rate: Double) throws {
        let samples = try Fixture.synthetic(requests: 800)
        let model = try Fixture.deepseek()[stage]
        let engine = try Fixture.engine()
        let option = try #require(ReplicaOption.enumerate(model: model, engine: engine, maxGPUs: 8)
            .first { $0.layout == ParallelLayout(tensorParallel: tp) })
        let workload = StageWorkload(
            samples: samples, indices: Array(samples.requests.indices), stage: stage, arrivalRate: rate,
            chunkSize: engine.chunkSize)
        let estimate = LatencyEstimator.p95(option: option, workload: workload, rate: rate / Double(replicas), engine: engine)
        let simulated = try simulatedP95(model: model, option: option, replicas: replicas, samples: samples, stage: stage, rate: rate)
        print("estimator \(model.name) TP\(tp) ×\(replicas) at \(rate)/s: estimate \(estimate) s, simulated \(simulated) s")
        #expect(abs(estimate / simulated - 1) < 0.15, "estimate \(estimate) s vs simulated \(simulated) s")
    }

    /// Overload is detected: far above capacity the estimate is infinite, and the max rate at a
    /// budget is where the estimate crosses it.
    @Test func overloadAndMaxRate() throws {
        let samples = try Fixture.synthetic(requests: 500)
        let engine = try Fixture.engine()
        let option = try #require(ReplicaOption.enumerate(model: Fixture.deepseek()[0], engine: engine, maxGPUs: 1).first)
        let workload = StageWorkload(
            samples: samples, indices: Array(samples.requests.indices), stage: 0, arrivalRate: 1, chunkSize: 512)
        #expect(LatencyEstimator.p95(option: option, workload: workload, rate: 1000, engine: engine) == .infinity)
        let rate = LatencyEstimator.maxRate(option: option, workload: workload, budget: 15, engine: engine)
        #expect(rate > 0)
        #expect(LatencyEstimator.p95(option: option, workload: workload, rate: rate, engine: engine) <= 15)
        #expect(LatencyEstimator.p95(option: option, workload: workload, rate: rate * 1.01, engine: engine) > 15)
    }

    /// The end-to-end estimate against the simulator on a whole three-stage cascade: the share of
    /// requests within the SLO agrees within 2 points from light to heavy load.
    @Test(arguments: [0.5, 2.0, 4.0])
    func endToEndAttainmentTracksTheSimulator(rate: Double) throws {
        let samples = try Fixture.synthetic(requests: 1000)
        let models = try Fixture.deepseek()
        let engine = try Fixture.engine()
        let thresholds = [65.0, 85.0]
        let layouts = [(4, 2), (8, 1), (8, 2)].map { StageLayout(layout: ParallelLayout(tensorParallel: $0.0), replicas: $0.1) }
        let cascade = CascadeConfiguration(
            name: "three", stages: layouts.enumerated().map { i, layout in
                CascadeStage(model: models[i], sampleColumn: i, layout: layout, gpus: layout.gpus)
            }, thresholds: thresholds)
        let stages = try layouts.enumerated().map { i, layout in
            let option: ReplicaOption = try #require(
                ReplicaOption.enumerate(model: models[i], engine: engine, maxGPUs: 8).first { $0.layout == layout.layout })
            return EndToEndEstimate.Stage(option: option, replicas: layout.replicas)
        }
        let estimate = EndToEndEstimate(samples: samples, outcome: samples.replay(thresholds), engine: engine, judgeLatency: 0.27)
        for slo in [20.0, 30.0] {
            let latencies = CascadeSimulator.run(
                cascade, samples: samples, rate: rate, engine: engine,
                settings: CascadeSimulationSettings(requests: 3000), seed: 5)
            let simulated = LatencyMetrics.attainment(latencies, within: slo)
            let estimated = estimate.attainment(of: stages, rate: rate, slo: slo)
            print("end to end at \(rate)/s, SLO \(slo) s: estimate \(estimated), simulated \(simulated)")
            #expect(abs(estimated - simulated) < 0.02, "estimate \(estimated) vs simulated \(simulated)")
        }
    }
}
