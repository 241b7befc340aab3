import Testing
@testable import GeoPlacement

/// The paper's BLOOM-176B numbers: s_c = 2 · 14336 · 2 bytes × (20 + 128) tokens ≈ 8.49 MB.
@Test func cacheSlotOfBloom() {
    let model = GeoModel(blocks: 70, blockBytes: 1.323e9, cacheBytesPerToken: 57344, promptTokens: 20, outputTokens: 128)
    #expect(model.cacheSlotBytes == 57344 * 148)
    #expect(abs(model.cacheSlotBytes - 8.49e6) < 0.01e6)
    let a100 = GeoServer(name: "a100", site: "dc1", memoryBytes: 79.13e9, decodeSecondsPerBlock: 0.0032197,
                         prefillPerToken: 7.43e-5, prefillFixed: 0.03299)
    #expect(abs(a100.prefillSecondsPerBlock(promptTokens: 20) - (0.0743e-3 * 20 + 0.03299)) < 1e-12)
}
