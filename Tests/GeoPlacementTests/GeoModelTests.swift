import Foundation
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

/// RTTs follow the sites through edits and through a JSON round trip.
@Test func instanceRTTsFollowEditsAndCoding() throws {
    var instance = GeoCalibration.clusteredTestbed(a100s: 1, migs: 1)
    #expect(instance.perTokenRTT(client: 0, server: 0) == 0.1 + 0.05)
    instance.clients[0].site = "cluster1"
    #expect(instance.perTokenRTT(client: 0, server: 0) == 0.005 + 0.05)
    instance.network.rtt[1][1] = 0.007
    #expect(instance.perTokenRTT(client: 0, server: 0) == 0.007 + 0.05)
    instance.servers.append(GeoCalibration.a100(name: "far", site: "nowhere"))
    #expect(instance.perTokenRTT(client: 0, server: 2) == .infinity)
    let decoded = try JSONDecoder().decode(GeoInstance.self, from: JSONEncoder().encode(instance))
    #expect(decoded == instance)
    #expect(decoded.promptRTT(client: 0, server: 1) == instance.promptRTT(client: 0, server: 1))
}
