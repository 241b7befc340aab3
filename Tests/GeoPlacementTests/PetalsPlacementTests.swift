import Testing
@testable import GeoPlacement

/// The research file's §5 vector: A 0–5 thr 10, B 5–9 thr 20, C 6–9 thr 5, L = 10.
@Test func petalsChooseBestBlocksVector() {
    let ranges: [BlockRange?] = [
        BlockRange(firstBlock: 0, blockCount: 6), BlockRange(firstBlock: 5, blockCount: 5), BlockRange(firstBlock: 6, blockCount: 4),
    ]
    let th = PetalsPlacement.blockThroughputs(ranges: ranges, throughputs: [10, 20, 5], blocks: 10)
    #expect(th == [10, 10, 10, 10, 10, 30, 25, 25, 25, 25])
    let start = PetalsPlacement.chooseBestBlocks(throughputPerBlock: th, blockCount: 3)
    #expect(Array(start..<(start + 3)) == [0, 1, 2])
}

/// Lexicographic order of the sorted window first, then the lowest start.
@Test func petalsChooseBestBlocksTies() {
    #expect(PetalsPlacement.chooseBestBlocks(throughputPerBlock: [5, 1, 9, 1, 5], blockCount: 2) == 0)
    #expect(PetalsPlacement.chooseBestBlocks(throughputPerBlock: [5, 1, 4, 1, 9], blockCount: 2) == 1)
    #expect(PetalsPlacement.chooseBestBlocks(throughputPerBlock: [0, 0, 0], blockCount: 3) == 0)
}

/// BLOOM-176B on an 84.97 GB A100: ⌊(84.97e9 − 2 GiB)/(1.323e9 + 2·14336·2·4096)⌋ = 53 (the research file's m).
@Test func petalsBlockCountBloom() {
    let model = GeoModel(blocks: 70, blockBytes: 1.323e9, cacheBytesPerToken: 57344, promptTokens: 20, outputTokens: 128)
    let a100 = GeoServer(name: "a100", site: "x", memoryBytes: 84.97e9, decodeSecondsPerBlock: 0.0032197,
                         prefillPerToken: 7.43e-5, prefillFixed: 0.03299)
    #expect(PetalsPlacement.Constants().overhead(model: model) == 2 * 1_073_741_824)
    #expect(PetalsPlacement.blockCount(server: a100, model: model) == 53)
    var mig = a100
    mig.maxBlocks = 4
    #expect(PetalsPlacement.blockCount(server: mig, model: model) == 4)
    #expect(abs(PetalsPlacement.throughput(server: a100, blockCount: 53) - (1 / 0.0032197) / 27) < 1e-9)
}

/// Three servers, L = 6, block counts set by `maxBlocks`: s0 m=3 thr 50, s1 m=3 thr 25, s2 m=2 thr 200/3.
func petalsJoinInstance() -> GeoInstance {
    let model = GeoModel(blocks: 6, blockBytes: 1e9, cacheBytesPerToken: 1000, promptTokens: 10, outputTokens: 10)
    func server(_ name: String, tau: Double, m: Int) -> GeoServer {
        GeoServer(name: name, site: "x", memoryBytes: 100e9, decodeSecondsPerBlock: tau, prefillPerToken: 0, prefillFixed: 0, maxBlocks: m)
    }
    return GeoInstance(
        model: model, servers: [server("s0", tau: 0.01, m: 3), server("s1", tau: 0.02, m: 3), server("s2", tau: 0.01, m: 2)],
        clients: [GeoClient(name: "c", site: "x")], network: GeoNetwork(sites: ["x"], rtt: [[0.01]]), timing: .none)
}

@Test func petalsJoinPlacementOrder() {
    let instance = petalsJoinInstance()
    // 0 takes 0–2 (all zero, lowest start); 1 takes the empty 3–5; 2 then finds [25,25] weakest from 3.
    #expect(PetalsPlacement.joinPlacement(instance: instance, order: [0, 1, 2]).ranges.map { $0?.firstBlock } == [0, 3, 3])
    // 2 takes 0–1; 1 takes 2–4 (the first all-zero window); 0 takes 3–5 ([0,25,25] is weakest).
    #expect(PetalsPlacement.joinPlacement(instance: instance, order: [2, 1, 0]).ranges.map { $0?.firstBlock } == [3, 2, 0])
    // Servers left out of the order hold nothing; a seeded order is reproducible.
    #expect(PetalsPlacement.joinPlacement(instance: instance, order: [1]).ranges == [nil, BlockRange(firstBlock: 0, blockCount: 3), nil])
    #expect(PetalsPlacement.joinPlacement(instance: instance, seed: 7) == PetalsPlacement.joinPlacement(instance: instance, seed: 7))
    #expect(PetalsPlacement.joinOrder(serverCount: 3, seed: 7).sorted() == [0, 1, 2])
}
