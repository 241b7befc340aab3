import ServingModel

/// The KV-cache transfers of a disaggregated fleet (`Disaggregation`): per-replica interface
/// reservations (`KVTransferNetwork` documents the serialisation rule), the transfers in flight,
/// and what the report says about them.
struct KVTransfers {
    /// Replica group of each replica, and the KV bytes of one of its tokens.
    private let groups: [Int]
    private let kvBytesPerToken: [Double]
    /// When each replica's outbound and inbound interface is next free.
    private var outboundFree: [Double]
    private var inboundFree: [Double]
    /// Transfers in flight to each replica, and in all.
    private(set) var inbound: [Int]
    private(set) var inFlight = 0
    /// Per request slot while its cache is in flight: the replica sending it, the KV tokens the
    /// cache carries and the KV blocks it holds there, when its prefill ended and when its
    /// transfer started.
    private var source: [Int32] = []
    private var tokens: [Int32] = []
    private var blocks: [Int32] = []
    private var prefillEnd: [Double] = []
    private var started: [Double] = []
    private var statistics: TransferStatistics

    init(configuration: SimulationConfiguration) {
        let count = configuration.disaggregation == nil ? 0 : configuration.replicas.count
        groups = configuration.replicas.map(\.group)
        kvBytesPerToken = configuration.replicas.map(\.kvBytesPerToken)
        outboundFree = [Double](repeating: 0, count: count)
        inboundFree = [Double](repeating: 0, count: count)
        inbound = [Int](repeating: 0, count: count)
        statistics = TransferStatistics(groupCount: (groups.max() ?? 0) + 1)
    }

    /// Reserves both interfaces for a cache of `kvTokens` (held in `kvBlocks` blocks on `from`)
    /// from `from` to `to` sent at `now`; returns when the cache is usable at `to`.
    mutating func start(
        _ slot: Int32, kvTokens: Int32, kvBlocks: Int32, from: Int, to: Int, now: Double, network: KVTransferNetwork
    ) -> Double {
        let link = network.link(from: groups[from], to: groups[to])
        let bytes = Double(kvTokens) * kvBytesPerToken[from]
        let duration = bytes / link.bandwidthBytesPerSecond
        let start = max(now, outboundFree[from], inboundFree[to])
        outboundFree[from] = start + duration
        inboundFree[to] = start + duration
        let index = Int(slot)
        if index >= source.count {
            let grown = max(index + 1, 2 * source.count)
            source += [Int32](repeating: -1, count: grown - source.count)
            tokens += [Int32](repeating: 0, count: grown - tokens.count)
            blocks += [Int32](repeating: 0, count: grown - blocks.count)
            prefillEnd += [Double](repeating: 0, count: grown - prefillEnd.count)
            started += [Double](repeating: 0, count: grown - started.count)
        }
        source[index] = Int32(from)
        tokens[index] = kvTokens
        blocks[index] = kvBlocks
        prefillEnd[index] = now
        started[index] = start
        inbound[to] += 1
        inFlight += 1
        return start + duration + link.latencySeconds
    }

    /// Ends the transfer of `slot` to `to` at `now`: the sending replica and the blocks it held.
    mutating func finish(
        _ slot: Int32, to: Int, now: Double, measured: Bool
    ) -> (source: Int, blocks: Int) {
        let index = Int(slot)
        let from = Int(source[index])
        inbound[to] -= 1
        inFlight -= 1
        source[index] = -1
        if measured {
            statistics.record(
                seconds: now - prefillEnd[index], linkWait: started[index] - prefillEnd[index],
                bytes: Double(tokens[index]) * kvBytesPerToken[from],
                fromGroup: groups[from], toGroup: groups[to])
        }
        return (from, Int(blocks[index]))
    }

    /// What the run's measured transfers add up to.
    func report(decodePolicy: DecodePolicyName, roles: [ReplicaRole], replicaGroups: [Int]) -> TransferReport {
        statistics.report(decodePolicy: decodePolicy, groupRoles: (0..<statistics.groupCount).map { group in
            replicaGroups.firstIndex(of: group).map { roles[$0] } ?? .general
        })
    }
}

extension SimulationEngine {
    /// Detaches a request whose prefill ended on `index` and sends its KV cache to `target`: the
    /// KV of the tokens it prefilled (bytes = tokens × `kvBytesPerToken`; a partly filled last
    /// block carries only its tokens). The blocks it held stay held on `index` until the cache
    /// has arrived (`finishTransfer`).
    mutating func sendCache(_ slot: Int32, from index: Int, to target: Int, network: KVTransferNetwork) {
        let kvTokens = table[slot].prefilled
        let kvBlocks = table[slot].kvHeld
        detach(slot, from: index)
        replicas[index].holdSentCache(blocks: Int(kvBlocks))
        let arrival = transfers.start(
            slot, kvTokens: kvTokens, kvBlocks: kvBlocks, from: index, to: target, now: now, network: network)
        table[slot].replica = Int32(target)
        load.outstanding[target] += 1
        heap.push(time: arrival, kind: .transferEnd, index: slot)
    }

    /// The cache of `slot` has arrived: the first token reaches the client now (TTFT includes the
    /// transfer), the sending replica frees the cache's blocks, and the request queues to decode
    /// (its decode blocks are allocated when the replica admits it), or is rejected when the
    /// cache (prompt + generated − 1 tokens: the last token's KV is written by its first decode
    /// step) needs more blocks than the decode replica can ever admit it with.
    mutating func finishTransfer(_ slot: Int32) {
        let target = Int(table[slot].replica)
        let (source, blocks) = transfers.finish(slot, to: target, now: now, measured: table[slot].measured)
        if table[slot].generated == 1 { table[slot].firstToken = now }
        replicas[source].releaseSentCache(blocks: blocks)
        refreshLoad(source)
        let need = Int(table[slot].promptTokens + table[slot].generated) - 1
        let capacity = replicas[target].admissibleDecodeTokens
        if need > capacity {
            load.outstanding[target] -= 1
            let record = table[slot]
            table.remove(slot)
            runningTotal -= 1
            waitingTotal += 1
            reject(RejectedRequest(record: record, reason: .contextAboveKVCapacity, need: need, capacity: capacity))
        } else {
            replicas[target].enqueueDecode(slot)
            load.decoding[target] += 1
            if !replicas[target].isBusy { startIteration(target) }
        }
        if !replicas[source].isBusy { startIteration(source) }
        if load.held > 0 { dispatchHeld() }
    }
}
