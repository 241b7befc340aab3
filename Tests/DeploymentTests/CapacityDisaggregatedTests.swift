import Testing
import ServingModel
@testable import Deployment

/// A disaggregated pair's capacity: the prefill pattern's (TTFT with the KV transfer) and the
/// decode pattern's (TPOT) by the capacity model, the pair carrying the smaller. One prefill and
/// one decode replica in the simulator agree within 10 %: at 0.9 × the smaller capacity the pair
/// meets the SLO, at 1.1 × it does not.
@Suite struct CapacityDisaggregatedTests {
    @Test(arguments: [64, 256]) func pairCarriesTheSmallerCapacity(decodeBatch: Int) throws {
        let catalog = Catalog.builtin
        let model = try #require(catalog.model(named: "llama-3.1-8b"))
        let gpu = try #require(catalog.gpu(named: "H100-80GB"))
        let slo = DeploySLO(ttftQuantile: 0.9, ttftSeconds: 0.5, tpotQuantile: 0.9, tpotSeconds: 0.02)
        let demand = ModelDemand(model: model, workload: .synthetic(rate: 10, prompt: .fixed(1024), output: .fixed(256)), slo: slo)
        var settings = DeploySearchSettings(maxBatches: [64, decodeBatch], chunkTokens: [2048], tensorParallel: [1])
        settings.seeds = [1, 2]
        settings.requestsPerSeed = 4000
        let problem = DeployProblem(
            fleet: [FleetPool(gpu: gpu, count: 8, gpusPerNode: 8)], models: [demand], objective: .minCost,
            modes: [.disaggregated], settings: settings)
        let patterns = PatternEnumerator(problem: problem).patterns(model: 0)
        let prefill = try #require(patterns.first { $0.role == .prefill })
        let decode = try #require(patterns.first { $0.role == .decode && $0.maxBatch == decodeBatch })
        let capacityModel = CapacityModel(slo: slo, profile: WorkloadProfile(demand.workload.lengthSample(count: 2000)))
        let bandwidth = problem.fleet[0].networkBandwidth
        // The transfer of a 1024-token cache at one GPU's interface, by hand: 1024 × 128 KiB / bandwidth.
        let expectedTransfer = 1024 * 131_072 / bandwidth
        #expect(abs(capacityModel.transferSeconds(prefill, networkBandwidth: bandwidth) - expectedTransfer) < 1e-12)
        let pair = min(
            capacityModel.capacity(of: prefill, networkBandwidth: bandwidth).single,
            capacityModel.capacity(of: decode, networkBandwidth: bandwidth).single)
        #expect(pair > 0)
        let groups = [prefill, decode].map {
            DeploymentGroup(
                model: model.name, gpu: gpu.name, tp: 1, pp: 1, role: $0.role, count: 1, maxBatch: $0.maxBatch,
                chunkTokens: $0.chunkTokens, kvCapacityTokens: $0.kvCapacityTokens)
        }
        let simulator = DeploySimulator(problem: problem)
        let below = try #require(simulator.verify(model: 0, groups: groups, rate: 0.9 * pair))
        let above = try #require(simulator.verify(model: 0, groups: groups, rate: 1.1 * pair))
        #expect(below.meetsSLO, "misses the SLO at 0.9 × \(pair): \(below)")
        #expect(!above.meetsSLO, "meets the SLO at 1.1 × \(pair): \(above)")
    }
}
