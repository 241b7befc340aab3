import Testing
@testable import ExpertPlacement

/// The EPLB README example (github.com/deepseek-ai/EPLB), its `weight` matrix and expected replica counts.
@Suite struct EPLBTests {
    static let weight: [[Double]] = [
        [90, 132, 40, 61, 104, 165, 39, 4, 73, 56, 183, 86],
        [20, 107, 104, 64, 19, 197, 187, 157, 172, 86, 16, 27],
    ]

    func gpuLoads(_ result: EPLB.LayerResult, weight: [Double], gpus: Int) -> [Double] {
        let perGPU = result.physicalToLogical.count / gpus
        return (0..<gpus).map { g in
            result.physicalToLogical[(g * perGPU)..<((g + 1) * perGPU)].reduce(0) { $0 + weight[$1] / Double(result.logicalCount[$1]) }
        }
    }

    /// Max over mean of per-GPU loads.
    func imbalance(_ loads: [Double]) throws -> Double {
        try #require(loads.max()) / (loads.reduce(0, +) / Double(loads.count))
    }

    @Test func hierarchicalReadmeVectors() throws {
        let (layer0, policy) = try EPLB.rebalance(weight: Self.weight[0], physical: 16, groups: 4, nodes: 2, gpus: 8)
        #expect(policy == .hierarchical)
        #expect(layer0.physicalToLogical == [5, 6, 5, 7, 8, 4, 3, 4, 10, 9, 10, 2, 0, 1, 11, 1])
        #expect(layer0.logicalCount == [1, 2, 1, 1, 2, 2, 1, 1, 1, 1, 2, 1])
        #expect(gpuLoads(layer0, weight: Self.weight[0], gpus: 8) == [121.5, 86.5, 125, 113, 147.5, 131.5, 156, 152])
        let (layer1, _) = try EPLB.rebalance(weight: Self.weight[1], physical: 16, groups: 4, nodes: 2, gpus: 8)
        #expect(layer1.physicalToLogical == [7, 10, 6, 8, 6, 11, 8, 9, 2, 4, 5, 1, 5, 0, 3, 1])
        #expect(layer1.logicalCount == [1, 2, 1, 1, 1, 2, 2, 1, 2, 1, 1, 1])
        let loads1 = gpuLoads(layer1, weight: Self.weight[1], gpus: 8)
        #expect(abs(try imbalance(loads1) - 1.242) < 5e-4)
    }

    @Test func threeGroupsFallBackToGlobal() throws {
        let (layer0, policy) = try EPLB.rebalance(weight: Self.weight[0], physical: 16, groups: 3, nodes: 2, gpus: 8)
        #expect(policy == .global)
        #expect(layer0.physicalToLogical == [10, 6, 10, 7, 0, 2, 11, 4, 5, 9, 5, 4, 8, 3, 1, 1])
        let loads = gpuLoads(layer0, weight: Self.weight[0], gpus: 8)
        #expect(abs(try imbalance(loads) - 1.073) < 5e-4)
    }

    /// No replication (P = 12) on 4 GPUs: 1.197 / 1.194 vs round-robin's 1.367 / 1.349.
    @Test func withoutReplicasBeatsRoundRobin() throws {
        for (layer, expected, roundRobin) in [(0, 1.197, 1.367), (1, 1.194, 1.349)] {
            let w = Self.weight[layer]
            let (result, _) = try EPLB.rebalance(weight: w, physical: 12, groups: 4, nodes: 2, gpus: 4)
            let loads = gpuLoads(result, weight: w, gpus: 4)
            #expect(abs(try imbalance(loads) - expected) < 5e-4)
            let rr = (0..<4).map { g in stride(from: g, to: 12, by: 4).reduce(0) { $0 + w[$1] } }
            #expect(abs(try imbalance(rr) - roundRobin) < 5e-4)
        }
    }
}
