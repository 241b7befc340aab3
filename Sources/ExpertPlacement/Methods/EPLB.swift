/// A port of DeepSeek's EPLB (github.com/deepseek-ai/EPLB, `eplb.py`), one layer at a time.
///
/// Ties are pinned as the reference resolves them: sorts are stable by index, `min` and `max`
/// pick the first index.
public enum EPLB {
    /// EPLB's output for one layer.
    public struct LayerResult: Sendable, Hashable {
        /// Logical expert in each physical slot; slot p lies on GPU p / (P / G).
        public var physicalToLogical: [Int]
        /// Replicas of each logical expert.
        public var logicalCount: [Int]
    }

    /// Which policy `rebalance` used.
    public enum Policy: String, Sendable {
        /// Groups packed onto nodes, replicas and GPU packing inside each node.
        case hierarchical
        /// The same routine with one group and one node.
        case global
    }

    /// EPLB's `rebalance_experts` for one layer: hierarchical when `groups % nodes == 0` (unless
    /// `forceGlobal`), else global. Requires experts % groups == 0, gpus % nodes == 0 and
    /// physical % gpus == 0.
    public static func rebalance(
        weight: [Double], physical: Int, groups: Int, nodes: Int, gpus: Int, forceGlobal: Bool = false
    ) throws(PlacementError) -> (LayerResult, Policy) {
        let experts = weight.count
        guard physical >= experts, physical % gpus == 0, gpus % nodes == 0 else {
            throw PlacementError(
                "EPLB needs physical experts (\(physical)) ≥ logical (\(experts)), a multiple of the GPUs (\(gpus)), "
                    + "and GPUs divisible by nodes (\(nodes))")
        }
        if !forceGlobal, groups > 0, experts % groups == 0, groups % nodes == 0, physical % nodes == 0 {
            return (hierarchical(weight: weight, physical: physical, groups: groups, nodes: nodes, gpus: gpus), .hierarchical)
        }
        return (hierarchical(weight: weight, physical: physical, groups: 1, nodes: 1, gpus: gpus), .global)
    }

    /// `balanced_packing`: `packs` packs of exactly n/packs items; heaviest item first into the
    /// lightest pack with room. Returns (pack, rank in pack) per item.
    static func balancedPacking(_ weight: [Double], packs: Int) -> (pack: [Int], rank: [Int]) {
        let n = weight.count, perPack = n / packs
        if perPack == 1 { return (Array(0..<n), [Int](repeating: 0, count: n)) }
        let order = weight.indices.sorted { weight[$0] > weight[$1] || (weight[$0] == weight[$1] && $0 < $1) }
        var packWeight = [Double](repeating: 0, count: packs)
        var packItems = [Int](repeating: 0, count: packs)
        var pack = [Int](repeating: -1, count: n), rank = [Int](repeating: -1, count: n)
        for item in order {
            var chosen = -1
            for p in 0..<packs where packItems[p] < perPack && (chosen < 0 || packWeight[p] < packWeight[chosen]) { chosen = p }
            pack[item] = chosen
            rank[item] = packItems[chosen]
            packWeight[chosen] += weight[item]
            packItems[chosen] += 1
        }
        return (pack, rank)
    }

    /// `replicate_experts`: one replica each, then each extra replica to argmax w[e]/cnt[e].
    /// Returns the logical expert of each physical expert, each one's replica rank, and counts.
    static func replicate(_ weight: [Double], physical: Int) -> (physicalToLogical: [Int], rank: [Int], count: [Int]) {
        let n = weight.count
        var map = Array(0..<n), rank = [Int](repeating: 0, count: n)
        var count = [Int](repeating: 1, count: n)
        for _ in n..<max(n, physical) {
            var best = 0
            for e in 1..<n where weight[e] / Double(count[e]) > weight[best] / Double(count[best]) { best = e }
            map.append(best)
            rank.append(count[best])
            count[best] += 1
        }
        return (map, rank, count)
    }

    /// `rebalance_experts_hierarchical` for one layer.
    static func hierarchical(weight: [Double], physical: Int, groups: Int, nodes: Int, gpus: Int) -> LayerResult {
        let experts = weight.count
        let groupSize = experts / groups, groupsPerNode = groups / nodes, perGPU = physical / gpus
        let perNodeLogical = experts / nodes, perNodePhysical = physical / nodes
        // Step 1: groups onto nodes; logical expert → node-major "meta-logical" index.
        let groupWeight = (0..<groups).map { g in weight[(g * groupSize)..<((g + 1) * groupSize)].reduce(0, +) }
        let (groupPack, groupRank) = balancedPacking(groupWeight, packs: nodes)
        var logToMeta = [Int](repeating: 0, count: experts)
        for e in 0..<experts {
            let g = e / groupSize
            logToMeta[e] = (groupPack[g] * groupsPerNode + groupRank[g]) * groupSize + e % groupSize
        }
        var metaToLog = [Int](repeating: 0, count: experts)
        for e in 0..<experts { metaToLog[logToMeta[e]] = e }
        var physicalToLogical: [Int] = []
        var metaCount = [Int](repeating: 0, count: experts)
        for node in 0..<nodes {
            // Step 2: replicas within the node.
            let metaWeight = (0..<perNodeLogical).map { weight[metaToLog[node * perNodeLogical + $0]] }
            let (physToMeta, _, count) = replicate(metaWeight, physical: perNodePhysical)
            for i in 0..<perNodeLogical { metaCount[node * perNodeLogical + i] = count[i] }
            // Step 3: physical experts onto the node's GPUs.
            let physWeight = physToMeta.map { metaWeight[$0] / Double(count[$0]) }
            let (pack, rank) = balancedPacking(physWeight, packs: gpus / nodes)
            var slots = [Int](repeating: 0, count: perNodePhysical)
            for p in 0..<perNodePhysical { slots[pack[p] * perGPU + rank[p]] = physToMeta[p] }
            physicalToLogical += slots.map { metaToLog[node * perNodeLogical + $0] }
        }
        let logicalCount = (0..<experts).map { metaCount[logToMeta[$0]] }
        return LayerResult(physicalToLogical: physicalToLogical, logicalCount: logicalCount)
    }
}
