import Foundation
import ServingModel
import Testing
@testable import Simulation
import GPUSchedTestSupport

/// Each replica's busy fraction (the share of the window [warm-up, horizon] it ran iterations)
/// against timelines whose every iteration is known.
@Suite struct ReplicaUtilizationTests {
    static func run(_ requests: [Request], replicaCount: Int = 1, horizon: Double, warmup: Double = 0) -> SimulationReport {
        let configuration = SimulationConfiguration(
            replicas: replicas(replicaCount, model: ConstantIterationTime(seconds: 1), batchSize: 1, chunkSize: 16, kv: 100),
            classNames: ["a"], horizon: horizon, warmup: warmup, sampleCount: 0)
        var source = ListSource(requests: requests)
        return Simulator(configuration: configuration, policy: RoundRobinRouting(), seed: 1).run(&source)
    }

    /// Deterministic arrivals every 2 s (t = 0, 2, … 98), each one 1 s iteration (a 4-token prompt
    /// and one output token): the replica is busy [2k, 2k + 1], utilisation ρ = 1 s × 0.5/s = 1/2
    /// over the whole window, and over [10, 100] too.
    @Test func deterministicArrivalsGiveRho() {
        let requests = (0..<50).map { Request(id: $0, classIndex: 0, arrivalTime: Double(2 * $0), promptTokens: 4, outputTokens: 1) }
        #expect(Self.run(requests, horizon: 100).replicaBusyFraction == [0.5])
        #expect(Self.run(requests, horizon: 100, warmup: 10).replicaBusyFraction == [0.5])
        // Window [0, 99.5]: 50 busy seconds of 99.5.
        #expect(Self.run(requests, horizon: 99.5).replicaBusyFraction == [50 / 99.5])
    }

    /// Three requests at t = 0 with 3, 1 and 2 output tokens, B = 1: busy [0, 6] without a gap.
    /// Window [0, 10]: 6/10; [2, 10]: 4/8; [0, 5]: the drain after the horizon is not counted, 5/5.
    @Test func iterationsAreClippedToTheWindow() {
        let requests = [3, 1, 2].enumerated().map {
            Request(id: $0.offset, classIndex: 0, arrivalTime: 0, promptTokens: 4, outputTokens: $0.element)
        }
        #expect(Self.run(requests, horizon: 10).replicaBusyFraction == [0.6])
        #expect(Self.run(requests, horizon: 10, warmup: 2).replicaBusyFraction == [0.5])
        #expect(Self.run(requests, horizon: 5).replicaBusyFraction == [1])
    }

    /// An idle fleet is busy 0; round-robin sends the one request (3 iterations) to replica 0.
    @Test func idleReplicasAreZero() {
        #expect(Self.run([], replicaCount: 3, horizon: 10).replicaBusyFraction == [0, 0, 0])
        let one = [Request(id: 0, classIndex: 0, arrivalTime: 1, promptTokens: 4, outputTokens: 3)]
        #expect(Self.run(one, replicaCount: 2, horizon: 10).replicaBusyFraction == [0.3, 0])
    }

    /// A scenario's summary: one entry per replica in fleet order with its role and GPU type, the
    /// busy fraction an estimate over the seeds' figures.
    @Test func summaryPoolsSeedsPerReplica() throws {
        let scenario = """
            kind: simulate
            model: llama-3.1-8b
            replicas: [{gpu: H100-80GB, tp: 1, count: 2}, {gpu: A100-80GB, tp: 1, count: 1}]
            engine: {batchSize: 32, chunkSize: 512}
            workload:
              classes:
                - {name: chat, arrivalRate: 6, promptTokens: 500, outputTokens: 50}
            policy: round-robin
            horizon: 30
            warmup: 5
            seeds: 3
            """
        let path = try TemporaryFiles.file(named: "utilization.yaml", scenario)
        let envelope = try ScenarioEnvelope.read(path: path, kinds: ["simulate": SimulateScenario.keys])
        let summary = try SimulateScenario.read(envelope, baseDirectory: (path as NSString).deletingLastPathComponent).run(jobs: 1)
        #expect(summary.replicaUtilization.map(\.replica) == [0, 1, 2])
        #expect(summary.replicaUtilization.map(\.gpu) == ["H100-80GB", "H100-80GB", "A100-80GB"])
        #expect(summary.replicaUtilization.allSatisfy { $0.role == .general })
        for (index, utilization) in summary.replicaUtilization.enumerated() {
            let perSeed = summary.runs.map { $0.replicaBusyFraction[index] }
            #expect(perSeed.allSatisfy { $0 > 0 && $0 < 1 }, "\(perSeed)")
            #expect(utilization.busyFraction.samples == 3)
            #expect(abs(utilization.busyFraction.mean - perSeed.reduce(0, +) / 3) < 1e-12)
        }
        // Round-robin splits the load evenly; the A100 (about 60 % of an H100's memory bandwidth)
        // takes longer over the same share, so it is the busiest.
        let means = summary.replicaUtilization.map(\.busyFraction.mean)
        #expect(means[2] > means[0] && means[2] > means[1])
    }
}
