import ServingModel

/// The replica scheduler: continuous batching with a KV cache in blocks, at most B admitted
/// requests, and the batching rule of `configuration.scheduler` (`BatchingRule`: vLLM V1, vLLM V0,
/// Sarathi-Serve, or GPUSched's original single chunk), switched per iteration.
///
/// Every iteration: the streams moved here to decode are admitted first; then the rule forms the
/// batch (`ContinuousBatchingScheduler+Batching`): which waiting requests it admits FCFS, which
/// prefill chunks run, whether the decodes run, and which running requests it preempts by
/// recompute when the cache has no block for a decode step. A finished prefill emits a token (the
/// first one, or the next one after a recompute). A request whose prefill target can never fit the
/// cache is rejected.
///
/// Decoding streams are not visited each iteration: the replica keeps their count and total
/// context, a min-heap of the decode ticks at which each one emits its last token, and their count
/// by block-boundary residue (`BlockBoundaryBuckets`), so an iteration costs O(1) plus O(log B)
/// per completion whatever the block size. A stream emits one token per *decode tick*, an
/// iteration that runs the decodes (vllm-v0's prefill-only iterations do not).
///
/// ```swift
/// var replica = ContinuousBatchingScheduler(configuration: configuration)
/// replica.enqueue(slot)
/// let batch = replica.startIteration(now: 0, table: &table, changes: &changes)
/// ```
struct ContinuousBatchingScheduler: ReplicaScheduler {
    /// A prompt's chunk in the iteration in flight.
    struct PrefillChunk {
        var slot: Int32
        var tokens: Int32
    }

    let configuration: ReplicaConfiguration
    var waiting = SlotQueue()
    /// Waiting requests that have not abandoned (the queue may still hold abandoned slots).
    var waitingCount = 0
    /// Admitted requests in admission order (prefilling and decoding).
    var running: [Int32] = []
    /// Admitted requests still prefilling, in admission order.
    var prefilling = SlotQueue()
    /// Prefilled requests a policy moved here to decode; admitted before new prefills.
    var incomingDecodes = SlotQueue()
    /// Decoding streams and the sum of their context lengths (prompt + generated tokens).
    var decodeCount = 0
    var decodeContext = 0
    var finishHeap = FinishHeap()
    var boundaries: BlockBoundaryBuckets
    /// Iterations that ran the decodes.
    var decodeTick = 0
    var blocks: KVBlockPool
    /// KV blocks (within `blocks.used`) of detached requests whose caches are still being sent to a
    /// decode replica (a disaggregated fleet's prefill replica).
    private(set) var kvSending = 0
    var isBusy = false
    /// True from the moment the batch being formed reserves this decode tick's blocks until the
    /// iteration ends: the decodes run in it.
    var decodesReserved = false
    /// The prefill chunks of the iteration in flight, oldest admission first.
    var chunks: [PrefillChunk] = []
    /// Requests whose prefill the last iteration finished, handed out by `nextFinishedPrefill`.
    var finishedPrefills: [Int32] = []
    var finishedCursor = 0

    init(configuration: ReplicaConfiguration) {
        self.configuration = configuration
        blocks = KVBlockPool(
            capacityTokens: configuration.kvCapacityTokens, blockSize: configuration.blockSize,
            watermark: configuration.watermark)
        boundaries = BlockBoundaryBuckets(blockSize: configuration.blockSize)
        // Room for a typical batch up front; a larger one grows with what is admitted.
        running.reserveCapacity(min(configuration.batchSize, 256))
        chunks.reserveCapacity(16)
        finishedPrefills.reserveCapacity(16)
    }

    var runningCount: Int { running.count }
    var prefillingCount: Int { prefilling.count }
    var decodingCount: Int { decodeCount + incomingDecodes.count }
    /// KV-cache tokens in use: the blocks held, in tokens.
    @inline(__always)
    var kvUsed: Int { blocks.used * blocks.blockSize }

    // MARK: Queues

    mutating func enqueue(_ slot: Int32) {
        waiting.append(slot)
        waitingCount += 1
    }

    mutating func enqueueDecode(_ slot: Int32) { incomingDecodes.append(slot) }

    mutating func abandonWaiting() { waitingCount -= 1 }

    // MARK: Iterations

    mutating func startIteration(now: Double, table: inout RequestTable, changes: inout SchedulingChanges) -> BatchShape? {
        while true {
            if !incomingDecodes.isEmpty { admitIncomingDecodes(table: &table) }
            let preemptedBefore = changes.preempted
            let shape: BatchShape
            switch configuration.scheduler {
            case .singleChunk: shape = singleChunkBatch(now: now, table: &table, changes: &changes)
            case .vllmV1: shape = vllmV1Batch(now: now, table: &table, changes: &changes)
            case .vllmV0: shape = vllmV0Batch(now: now, table: &table, changes: &changes)
            case .sarathi: shape = sarathiBatch(now: now, table: &table, changes: &changes)
            }
            if !shape.isEmpty {
                isBusy = true
                return shape
            }
            decodesReserved = false
            // Everything was preempted: admit again (the freed cache takes the head of the queue, or
            // rejects it when it can never fit), rather than idle with requests waiting.
            guard changes.preempted > preemptedBefore && !waiting.isEmpty else {
                isBusy = false
                return nil
            }
        }
    }

    mutating func endIteration(now: Double, table: inout RequestTable) {
        isBusy = false
        if decodesReserved {
            decodeTick += 1
            boundaries.advance()
            decodeContext += decodeCount
            decodesReserved = false
        }
        if !finishedPrefills.isEmpty { finishedPrefills.removeAll(keepingCapacity: true) }
        finishedCursor = 0
        var position = 0
        while position < chunks.count {
            let slot = chunks[position].slot
            table[slot].prefilled += chunks[position].tokens
            position += 1
            guard !table[slot].isPrefilling else { continue }
            // Only the last chunk of an iteration can leave its prompt unfinished, so the finished
            // prompts are the oldest ones still prefilling.
            assert(prefilling.first == slot, "a finished prefill that is not the oldest one prefilling")
            prefilling.removeFirst()
            table[slot].generated += 1
            if table[slot].firstToken.isNaN { table[slot].firstToken = now }
            finishedPrefills.append(slot)
        }
        if !chunks.isEmpty { chunks.removeAll(keepingCapacity: true) }
    }

    mutating func nextFinishedPrefill() -> Int32? {
        guard finishedCursor < finishedPrefills.count else { return nil }
        defer { finishedCursor += 1 }
        return finishedPrefills[finishedCursor]
    }

    mutating func nextFinishedStream(table: RequestTable) -> Int32? {
        while let entry = finishHeap.first, entry.tick <= decodeTick {
            finishHeap.popFirst()
            guard table[entry.slot].isDecoding, table[entry.slot].decodeEpoch == entry.epoch else { continue }
            return entry.slot
        }
        return nil
    }

    // MARK: Streams

    mutating func startDecoding(_ slot: Int32, table: inout RequestTable) {
        let epoch = table.nextDecodeEpoch()
        table[slot].isDecoding = true
        table[slot].decodeStartTick = decodeTick
        table[slot].generatedAtDecodeStart = table[slot].generated
        table[slot].decodeEpoch = epoch
        let context = Int(table[slot].promptTokens + table[slot].generated)
        decodeCount += 1
        decodeContext += context
        boundaries.add(context: context, tick: decodeTick, 1)
        let remaining = Int(table[slot].outputTokens - table[slot].generated)
        finishHeap.push(FinishEntry(tick: decodeTick + remaining, slot: slot, epoch: epoch))
    }

    /// Brings a decoding stream's token count up to date and folds the blocks its decode steps
    /// took into its `kvHeld`.
    mutating func stopDecoding(_ slot: Int32, table: inout RequestTable) {
        let decoded = Int(table[slot].decodedTokens(atTick: decodeTick))
        let startContext = Int(table[slot].promptTokens + table[slot].generatedAtDecodeStart)
        table[slot].kvHeld += Int32(blocks.decodeBlocks(startContext: startContext, steps: decoded + (decodesReserved ? 1 : 0)))
        table[slot].generated = table[slot].generatedAtDecodeStart + Int32(decoded)
        table[slot].isDecoding = false
        decodeCount -= 1
        decodeContext -= startContext + decoded
        boundaries.add(context: startContext, tick: table[slot].decodeStartTick, -1)
    }

    /// Recompute preemption of the newest admitted request: its blocks are freed and it returns to
    /// the front of the queue, to re-prefill prompt + generated tokens.
    mutating func preempt(_ slot: Int32, table: inout RequestTable) {
        running.removeLast()
        if table[slot].isDecoding {
            stopDecoding(slot, table: &table)
        } else {
            prefilling.removeLast()
        }
        blocks.used -= Int(table[slot].kvHeld)
        table[slot].kvHeld = 0
        table[slot].prefillTarget = table[slot].promptTokens + table[slot].generated
        table[slot].prefilled = 0
        table[slot].isWaiting = true
        table[slot].preemptions += 1
        waiting.prepend(slot)
        waitingCount += 1
    }

    mutating func detach(_ slot: Int32, table: inout RequestTable) {
        if let position = running.firstIndex(of: slot) { running.remove(at: position) }
        blocks.used -= Int(table[slot].kvHeld)
        table[slot].kvHeld = 0
    }

    mutating func holdSentCache(blocks held: Int) {
        kvSending += held
        blocks.used += held
    }

    mutating func releaseSentCache(blocks held: Int) {
        kvSending -= held
        blocks.used -= held
    }

    var admissibleDecodeTokens: Int { blocks.admissibleBlocks * blocks.blockSize }

    mutating func release(_ slot: Int32, table: inout RequestTable) {
        if table[slot].isDecoding { stopDecoding(slot, table: &table) }
        detach(slot, table: &table)
    }
}
