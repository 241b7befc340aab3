import ServingModel

extension PetalsPlacement {
    /// th[b], the summed throughput of the ranges covering block b (`compute_throughputs` over `compute_spans`).
    public static func blockThroughputs(ranges: [BlockRange?], throughputs: [Double], blocks: Int) -> [Double] {
        var th = [Double](repeating: 0, count: blocks)
        for (range, thr) in zip(ranges, throughputs) {
            guard let range else { continue }
            for b in range.firstBlock..<range.endBlock { th[b] += thr }
        }
        return th
    }

    /// `_choose_best_start`: the start i minimising (sorted(th[i..<i+m]), i) lexicographically, i.e. the
    /// weakest window, ties to the lowest start. Requires 1 ≤ m ≤ th.count.
    public static func chooseBestBlocks(throughputPerBlock th: [Double], blockCount m: Int) -> Int {
        precondition(m >= 1 && m <= th.count, "block count must lie in 1...L")
        var best = 0
        var bestWindow = th[0..<m].sorted()
        for i in 1..<(th.count - m + 1) {
            let window = th[i..<(i + m)].sorted()
            if window.lexicographicallyPrecedes(bestWindow) {
                best = i
                bestWindow = window
            }
        }
        return best
    }

    /// The emulation's placement: servers join one at a time in `order`; each takes `blockCount` blocks
    /// at `chooseBestBlocks` over the throughputs of the servers already joined, then adds its own
    /// throughput there. Servers that fit no block, or are absent from `order`, hold nothing. No rebalancing.
    public static func joinPlacement(instance: GeoInstance, order: [Int], constants: Constants = Constants()) -> BlockPlacement {
        let blocks = instance.model.blocks
        var ranges = [BlockRange?](repeating: nil, count: instance.servers.count)
        var th = [Double](repeating: 0, count: blocks)
        for j in order {
            let server = instance.servers[j]
            let m = blockCount(server: server, model: instance.model, constants: constants)
            guard m > 0 else { continue }
            let start = chooseBestBlocks(throughputPerBlock: th, blockCount: m)
            let thr = throughput(server: server, blockCount: m, constants: constants)
            for b in start..<(start + m) { th[b] += thr }
            ranges[j] = BlockRange(firstBlock: start, blockCount: m)
        }
        return BlockPlacement(ranges: ranges)
    }

    /// A random join order of `serverCount` servers, drawn from `SeededRandom(seed:)`.
    public static func joinOrder(serverCount: Int, seed: UInt64) -> [Int] {
        var random = SeededRandom(seed: seed)
        return Array(0..<serverCount).shuffled(using: &random)
    }

    /// `joinPlacement` in the random order `joinOrder(serverCount:seed:)`.
    public static func joinPlacement(instance: GeoInstance, seed: UInt64, constants: Constants = Constants()) -> BlockPlacement {
        joinPlacement(instance: instance, order: joinOrder(serverCount: instance.servers.count, seed: seed), constants: constants)
    }
}
