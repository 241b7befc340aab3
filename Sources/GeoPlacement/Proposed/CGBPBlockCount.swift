/// CG-BP, the conservative greedy block placement of Sun, He, Ji & Parag (arXiv 2512.21884),
/// transliterated from the authors' `CG_BP.m` and `choose_num_blocks_proposed.m`.
public enum CGBP {
    /// Step 1: the conservative block count of every server,
    /// m_j = min(⌊M_j/(s_m + s_c·|R|)⌋, L, maxBlocks_j), which reserves cache for all |R| requests
    /// to pass through every block j holds. A server with m_j = 0 holds nothing.
    public static func blockCounts(instance: GeoInstance, plannedRequests R: Int) -> [Int] {
        let model = instance.model
        let perBlock = model.blockBytes + model.cacheSlotBytes * Double(R)
        return instance.servers.map { server in
            let fit = max(0, flooredQuotient(server.memoryBytes, perBlock))
            return min(fit, model.blocks, server.maxBlocks ?? Int.max)
        }
    }

    /// s_j = ⌊(M_j − s_m·m_j)/(s_c·m_j)⌋: the sessions server j can hold on all of its m_j blocks (0 when m_j = 0).
    public static func sessions(instance: GeoInstance, blockCounts m: [Int]) -> [Int] {
        zip(instance.servers, m).map { server, mj in
            guard mj > 0 else { return 0 }
            let free = server.memoryBytes - instance.model.blockBytes * Double(mj)
            return max(0, flooredQuotient(free, instance.model.cacheSlotBytes * Double(mj)))
        }
    }

    /// n_j = ⌊(M_j − s_m·m_j)/s_c⌋: server j's cache slots (one slot is one session in one block).
    public static func cacheSlots(instance: GeoInstance, blockCounts m: [Int]) -> [Int] {
        zip(instance.servers, m).map { server, mj in
            let free = server.memoryBytes - instance.model.blockBytes * Double(mj)
            return max(0, flooredQuotient(free, instance.model.cacheSlotBytes))
        }
    }

    /// ⌊a/b⌋, where a quotient within a relative 1e-9 below an integer counts as that integer, so that
    /// decimal inputs such as 6/(1 + 0.05·4) are not floored one short by binary rounding.
    static func flooredQuotient(_ a: Double, _ b: Double) -> Int {
        let q = a / b
        guard q.isFinite else { return q > 0 ? Int.max : 0 }
        return Int((q + 1e-9 * max(1, abs(q))).rounded(.down))
    }
}
