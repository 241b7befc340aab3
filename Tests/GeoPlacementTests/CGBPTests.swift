import Foundation
import Testing
@testable import GeoPlacement

@Suite struct CGBPTests {
    @Test func reproducesTheVector() throws {
        let instance = cgbpVectorInstance()
        #expect(instance.model.cacheSlotBytes == 0.05)
        let result = try CGBP.place(instance: instance, plannedRequests: 4)
        #expect(result.blockCounts == [5, 3, 5, 2])
        let expectedTimes = [23, 68.0 / 3, 13, 18.5]
        for (t, e) in zip(result.perBlockTimes, expectedTimes) { #expect(abs(t - e) < 1e-12) }
        #expect(result.visitOrder.map { $0 + 1 } == [3, 4, 2, 1])
        #expect(result.placement.ranges.map { $0.map { $0.firstBlock + 1 } } == [1, 8, 1, 6])
        #expect(result.placement.ranges.map { $0?.blockCount } == [5, 3, 5, 2])
        #expect(result.sessions == [8, 6, 4, 10])
        #expect(result.coveringServers == 3)
        #expect(abs(result.perTokenBound - 170) < 1e-9)
    }

    @Test func reportsCorollaryOneShortfall() {
        let instance = cgbpVectorInstance(memory: [7, 4, 1, 1])
        #expect(CGBP.blockCounts(instance: instance, plannedRequests: 4) == [5, 3, 0, 0])
        let expected = CGBPError.insufficientBlocks(available: 8, required: 10, plannedRequests: 4)
        #expect(throws: expected) { try CGBP.place(instance: instance, plannedRequests: 4) }
        #expect(expected.description.contains("the sum is 8 < 10 (short by 2 blocks)"))
    }

    @Test func capsAtMaxBlocksAndSkipsEmptyServers() throws {
        var instance = cgbpVectorInstance()
        instance.servers.append(GeoServer(name: "tiny", site: "s3", memoryBytes: 1, decodeSecondsPerBlock: 1,
                                          prefillPerToken: 0, prefillFixed: 0))
        instance.servers[0].maxBlocks = 4
        let result = try CGBP.place(instance: instance, plannedRequests: 4)
        #expect(result.blockCounts == [4, 3, 5, 2, 0])
        #expect(result.placement.ranges[4] == nil)
        #expect(!result.visitOrder.contains(4))
    }

    @Test func cacheSlotsAreFlooredPerSlot() {
        let instance = cgbpVectorInstance()
        #expect(CGBP.cacheSlots(instance: instance, blockCounts: [5, 3, 5, 2]) == [40, 20, 20, 20])
    }
}
