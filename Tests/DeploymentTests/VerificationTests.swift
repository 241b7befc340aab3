import Foundation
import Testing
import ServingModel
import Simulation
@testable import Deployment

/// `DeploySimulator` and the SLO verdict on simulation reports.
@Suite struct VerificationTests {
    static func problem(requests: Int = 600, tpot: Double = 0.02, modes: Set<ServingMode> = [.aggregated]) throws -> DeployProblem {
        let catalog = Catalog.builtin
        let model = try #require(catalog.model(named: "llama-3.1-8b"))
        let gpu = try #require(catalog.gpu(named: "H100-80GB"))
        let slo = DeploySLO(ttftQuantile: 0.9, ttftSeconds: 0.5, tpotQuantile: 0.9, tpotSeconds: tpot)
        let demand = ModelDemand(model: model, workload: .synthetic(rate: 10, prompt: .fixed(1024), output: .fixed(256)), slo: slo)
        var settings = DeploySearchSettings(maxBatches: [256], chunkTokens: [8192], tensorParallel: [1])
        settings.seeds = [1, 2]
        settings.requestsPerSeed = requests
        return DeployProblem(
            fleet: [FleetPool(gpu: gpu, count: 8, gpusPerNode: 8)], models: [demand], objective: .minCost, modes: modes,
            settings: settings)
    }

    static func group(_ count: Int, role: ServingRole = .aggregated, batch: Int = 256) -> DeploymentGroup {
        DeploymentGroup(
            model: "llama-3.1-8b", gpu: "H100-80GB", tp: 1, pp: 1, role: role, count: count, maxBatch: batch, chunkTokens: 8192)
    }

    @Test func noGroupsNoVerification() throws {
        let simulator = DeploySimulator(problem: try Self.problem())
        #expect(simulator.verify(model: 0, groups: [], rate: 5) == nil)
        // Another model's groups are not this model's.
        var other = Self.group(1)
        other.model = "qwen3-8b"
        #expect(simulator.verify(model: 0, groups: [other], rate: 5) == nil)
        // A prefill pool without decode replicas cannot serve.
        #expect(simulator.verify(model: 0, groups: [Self.group(1, role: .prefill)], rate: 5) == nil)
        #expect(simulator.certifiedRate(model: 0, groups: [], upTo: 50) == 0)
    }

    /// A lightly loaded replica meets the SLO with every request measured; at three times the
    /// ~16 req/s one H100 carries (the capacity grid's figure) the queue grows and it misses.
    @Test func lightLoadMeetsOverloadMisses() throws {
        let problem = try Self.problem()
        let simulator = DeploySimulator(problem: problem)
        let light = try #require(simulator.verify(model: 0, groups: [Self.group(1)], rate: 4))
        #expect(light.meetsSLO)
        #expect(light.sloAttainment == 1)
        #expect(light.seeds == [1, 2])
        // Requests arriving in the window on two seeds: about 2 × 600.
        #expect(abs(Double(light.requests) - 1200) < 150)
        // Unloaded TTFT is one 1024-token prefill, TPOT one small decode iteration: both well inside.
        #expect((light.ttft.p90 ?? 1) < 0.1)
        #expect((light.tpot.p90 ?? 1) < 0.015)
        let heavy = try #require(simulator.verify(model: 0, groups: [Self.group(1)], rate: 48))
        #expect(!heavy.meetsSLO)
        #expect(heavy.sloAttainment < 0.9)
    }

    /// The certified rate is a rate that verifies, and 2 % above it (past the 1 % bisection
    /// tolerance) does not.
    @Test func certifiedRateIsTheEdge() throws {
        let simulator = DeploySimulator(problem: try Self.problem(requests: 400))
        let rate = simulator.certifiedRate(model: 0, groups: [Self.group(1)], upTo: 40)
        #expect(rate > 8 && rate < 24)
        #expect(simulator.verify(model: 0, groups: [Self.group(1)], rate: rate)?.meetsSLO == true)
        #expect(simulator.verify(model: 0, groups: [Self.group(1)], rate: rate * 1.02)?.meetsSLO == false)
        // A bound the groups meet is returned as is.
        #expect(simulator.certifiedRate(model: 0, groups: [Self.group(1)], upTo: 3) == 3)
    }

    /// A disaggregated pair runs: the KV caches cross the network and requests complete.
    @Test func prefillDecodePair() throws {
        let simulator = DeploySimulator(problem: try Self.problem(modes: [.disaggregated]))
        let groups = [Self.group(1, role: .prefill, batch: 64), Self.group(1, role: .decode)]
        let configuration = try #require(simulator.configuration(model: 0, groups: groups, rate: 10))
        #expect(configuration.replicas.map(\.role) == [.prefill, .decode])
        let link = try #require(configuration.disaggregation?.network.link(from: 0, to: 1))
        // Each side's interface is the pool's per-GPU bandwidth × the replica's one GPU.
        #expect(link.bandwidthBytesPerSecond == problemBandwidth)
        let verdict = try #require(simulator.verify(model: 0, groups: groups, rate: 10))
        #expect(verdict.meetsSLO)
    }

    var problemBandwidth: Double { Catalog.builtin.gpu(named: "H100-80GB")?.networkBandwidth ?? 0 }

    /// A percentile level between the summary's levels is read linearly between them.
    @Test func levelsBetweenSummaryPercentiles() {
        var histogram = LatencyHistogram()
        for index in 1...1000 { histogram.record(Double(index) / 1000) }
        let summary = histogram.summary
        #expect(SimulatedSLO.level(summary, 0.9) == summary.p90)
        #expect(SimulatedSLO.level(summary, 0.99) == summary.p99)
        #expect(abs(SimulatedSLO.level(summary, 0.925) - (summary.p90 + summary.p95) / 2) < 1e-12)
        #expect(abs(SimulatedSLO.level(summary, 0.995) - (summary.p99 + summary.maximum) / 2) < 1e-12)
        #expect(SimulatedSLO.level(summary, 0.3) == summary.p50)
        // The histogram's p90 of 0.001 … 1 is near 0.9.
        #expect(abs(summary.p90 - 0.9) < 0.05)
    }

    /// Seeds pool their distributions point by point, weighted by measured requests: three
    /// requests of 0.1 s iterations on one seed, one of 0.3 s on the other, each served alone (TTFT
    /// one iteration, TPOT one iteration), give (3 × 0.1 + 0.3) / 4 = 0.15 s at every fraction.
    @Test func distributionsPoolWeightedByRequests() throws {
        struct Constant: IterationTimeModel {
            var seconds: Double
            func iterationSeconds(_ batch: BatchShape) -> Double { seconds }
        }
        struct List: RequestSource {
            var requests: [Request]
            mutating func next() -> Request? { requests.isEmpty ? nil : requests.removeFirst() }
        }
        func run(iteration: Double, arrivals: [Double], seed: UInt64) -> SimulationReport {
            let replica = ReplicaConfiguration(
                name: "r", iterationModel: Constant(seconds: iteration), batchSize: 4, chunkSize: 64, kvCapacityTokens: 1000)
            let configuration = SimulationConfiguration(replicas: [replica], classNames: ["a"], horizon: 30, sampleCount: 0)
            var source = List(requests: arrivals.enumerated().map {
                Request(id: $0.offset, classIndex: 0, arrivalTime: $0.element, promptTokens: 8, outputTokens: 2)
            })
            return Simulator(configuration: configuration, policy: RoundRobinRouting(), seed: seed).run(&source)
        }
        let reports = [run(iteration: 0.1, arrivals: [0, 10, 20], seed: 1), run(iteration: 0.3, arrivals: [0], seed: 2)]
        let slo = DeploySLO(ttftQuantile: 0.9, ttftSeconds: 1, tpotQuantile: 0.9, tpotSeconds: 1)
        let verdict = SimulatedSLO(slo: slo).verification(rate: 1, reports: reports, seeds: [1, 2])
        #expect(verdict.requests == 4)
        for latency in [verdict.ttft, verdict.tpot] {
            let cdf = try #require(latency.cdf)
            #expect(cdf.map(\.fraction) == LatencyCDF.fractions)
            for point in cdf { #expect(abs(point.seconds - 0.15) < 1e-12, "\(point)") }
            #expect(abs((latency.p90 ?? 0) - 0.15) < 1e-12)
        }
        // A prediction has no distribution: `cdf` is written null.
        let data = try JSONEncoder().encode(LatencyPercentiles(p50: 0.1))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["cdf"] is NSNull)
    }
}
