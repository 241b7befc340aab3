import ServingModel

/// The vLLM-like replica scheduler: continuous batching with one chunked prefill per iteration
/// (Sarathi-Serve style), at most B streams, and a KV cache of fixed token capacity.
///
/// Policy per iteration, in order:
/// 1. admit the streams moved here to decode, then waiting requests FCFS while fewer than B streams
///    run and the KV cache can hold the request's prefill target (head-of-line blocking, as in
///    vLLM's FCFS scheduler; one prefill at a time on a `mixed` replica); a request whose target
///    exceeds the whole cache is rejected;
/// 2. reserve one KV token for every decoding stream; when the cache is full, preempt the most
///    recently admitted stream (recompute: its cache is freed, it returns to the front of the queue
///    and later re-prefills prompt + generated tokens);
/// 3. schedule one prefill chunk of at most C tokens for the earliest admitted request still prefilling.
/// A finished prefill emits a token (the first one, or the next one after a recompute).
///
/// Decoding streams are not visited each iteration: the replica keeps their count and total
/// context, and a min-heap of the ticks at which each one emits its last token, so an iteration
/// costs O(1) plus O(log B) per completion.
///
/// ```swift
/// var replica = ContinuousBatchingScheduler(configuration: configuration)
/// replica.enqueue(slot)
/// let batch = replica.startIteration(now: 0, table: &table, changes: &changes)
/// ```
struct ContinuousBatchingScheduler: ReplicaScheduler {
    let configuration: ReplicaConfiguration
    private var waiting = SlotQueue()
    /// Waiting requests that have not abandoned (the queue may still hold abandoned slots).
    private(set) var waitingCount = 0
    /// Admitted requests in admission order (prefilling and decoding).
    private var running: [Int32] = []
    /// Admitted requests still prefilling, in admission order.
    private var prefilling = SlotQueue()
    /// Prefilled requests a policy moved here to decode; admitted before new prefills.
    private var incomingDecodes = SlotQueue()
    /// Decoding streams and the sum of their context lengths (prompt + generated tokens).
    private var decodeCount = 0
    private var decodeContext = 0
    private var finishHeap = FinishHeap()
    /// Iterations completed.
    private var tick = 0
    private(set) var kvUsed = 0
    /// KV tokens (within `kvUsed`) of detached requests whose caches are still being sent away.
    private(set) var kvSending = 0
    private(set) var isBusy = false
    private var currentPrefill: Int32 = -1
    private var currentChunk: Int32 = 0

    init(configuration: ReplicaConfiguration) {
        self.configuration = configuration
        // Room for a typical batch up front; a larger one grows with what is admitted.
        running.reserveCapacity(min(configuration.batchSize, 256))
    }

    var runningCount: Int { running.count }
    var prefillingCount: Int { prefilling.count }
    var decodingCount: Int { decodeCount + incomingDecodes.count }

    // MARK: Queues

    mutating func enqueue(_ slot: Int32) {
        waiting.append(slot)
        waitingCount += 1
    }

    mutating func enqueueDecode(_ slot: Int32) { incomingDecodes.append(slot) }

    mutating func abandonWaiting() { waitingCount -= 1 }

    // MARK: Iterations

    mutating func startIteration(now: Double, table: inout RequestTable, changes: inout SchedulingChanges) -> BatchShape? {
        let capacity = configuration.kvCapacityTokens
        let batchSize = configuration.batchSize
        let onePrefill = configuration.role == .mixed
        while true {
            // 1. Admission: streams moved here to decode first, then new prefills FCFS.
            while running.count < batchSize, let slot = incomingDecodes.first {
                let need = Int(table[slot].promptTokens + table[slot].generated)
                guard kvUsed + need <= capacity else { break }
                incomingDecodes.removeFirst()
                kvUsed += need
                running.append(slot)
                table[slot].kvHeld = Int32(need)
                startDecoding(slot, table: &table)
            }
            while running.count < batchSize, !onePrefill || prefilling.isEmpty, let slot = waiting.first {
                if table[slot].abandoned {
                    waiting.removeFirst()
                    table.remove(slot)
                    continue
                }
                let need = Int(table[slot].prefillTarget)
                if need > capacity {
                    waiting.removeFirst()
                    waitingCount -= 1
                    changes.rejected.append(RejectedRequest(record: table[slot], need: need, capacity: capacity))
                    table.remove(slot)
                    continue
                }
                guard kvUsed + need <= capacity else { break }
                waiting.removeFirst()
                waitingCount -= 1
                kvUsed += need
                running.append(slot)
                prefilling.append(slot)
                table[slot].kvHeld = Int32(need)
                table[slot].isWaiting = false
                if table[slot].firstScheduled.isNaN { table[slot].firstScheduled = now }
                changes.admitted += 1
            }
            // 2. One KV token per decoding stream; preempt the newest streams when the cache is full.
            var preempted = false
            while kvUsed + decodeCount > capacity, let victim = running.last {
                preempt(victim, table: &table)
                changes.preempted += 1
                preempted = true
            }
            kvUsed += decodeCount
            // 3. The prefill chunk and the batch shape.
            var shape = BatchShape(decodeStreams: decodeCount, decodeContextTokens: decodeContext)
            currentPrefill = -1
            if let slot = prefilling.first {
                let record = table[slot]
                let chunk = min(Int32(clamping: configuration.chunkSize), record.prefillTarget - record.prefilled)
                currentPrefill = slot
                currentChunk = chunk
                shape.prefillTokens = Int(chunk)
                shape.prefillContextTokens = Int(record.prefilled)
            }
            if !shape.isEmpty {
                isBusy = true
                return shape
            }
            // Everything was preempted: admit again (the freed cache takes the head of the queue, or
            // rejects it when it can never fit), rather than idle with requests waiting.
            guard preempted && !waiting.isEmpty else {
                isBusy = false
                return nil
            }
        }
    }

    mutating func endIteration(now: Double, table: inout RequestTable) -> Int32? {
        isBusy = false
        tick += 1
        decodeContext += decodeCount
        let slot = currentPrefill
        guard slot >= 0 else { return nil }
        table[slot].prefilled += currentChunk
        guard !table[slot].isPrefilling else { return nil }
        prefilling.removeFirst()
        table[slot].generated += 1
        if table[slot].firstToken.isNaN { table[slot].firstToken = now }
        return slot
    }

    mutating func nextFinishedStream(table: RequestTable) -> Int32? {
        while let entry = finishHeap.first, entry.tick <= tick {
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
        table[slot].decodeStartTick = tick
        table[slot].generatedAtDecodeStart = table[slot].generated
        table[slot].decodeEpoch = epoch
        decodeCount += 1
        decodeContext += Int(table[slot].promptTokens + table[slot].generated)
        let remaining = Int(table[slot].outputTokens - table[slot].generated)
        finishHeap.push(FinishEntry(tick: tick + remaining, slot: slot, epoch: epoch))
    }

    /// Brings a decoding stream's token count up to date and releases its decode reservations.
    private mutating func stopDecoding(_ slot: Int32, table: inout RequestTable) {
        let decoded = table[slot].decodedTokens(atTick: tick)
        table[slot].generated = table[slot].generatedAtDecodeStart + decoded
        table[slot].isDecoding = false
        kvUsed -= Int(decoded)
        decodeCount -= 1
        decodeContext -= Int(table[slot].promptTokens + table[slot].generated)
    }

    /// Recompute preemption of the newest admitted stream (called before the iteration's KV reservation).
    private mutating func preempt(_ slot: Int32, table: inout RequestTable) {
        running.removeLast()
        if table[slot].isDecoding {
            stopDecoding(slot, table: &table)
        } else {
            prefilling.removeLast()
        }
        kvUsed -= Int(table[slot].kvHeld)
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
        kvUsed -= Int(table[slot].kvHeld)
        table[slot].kvHeld = 0
    }

    mutating func holdSentCache(tokens: Int) {
        kvSending += tokens
        kvUsed += tokens
    }

    mutating func releaseSentCache(tokens: Int) {
        kvSending -= tokens
        kvUsed -= tokens
    }

    mutating func release(_ slot: Int32, table: inout RequestTable) {
        if table[slot].isDecoding { stopDecoding(slot, table: &table) }
        detach(slot, table: &table)
    }
}

// MARK: Debug checks

extension ContinuousBatchingScheduler {
    func census(table: RequestTable) -> ReplicaCensus {
        var census = ReplicaCensus(running: running.count, incoming: incomingDecodes.count)
        waiting.forEach { slot in
            if table[slot].abandoned { census.abandonedQueued += 1 } else { census.waiting += 1 }
        }
        var kvHeld = 0, decoding = 0, context = 0, stillPrefilling = 0
        for slot in running {
            let record = table[slot]
            kvHeld += Int(record.kvHeld)
            if record.isDecoding {
                let decoded = record.decodedTokens(atTick: tick)
                decoding += 1
                kvHeld += Int(decoded)
                context += Int(record.promptTokens + record.generatedAtDecodeStart + decoded)
            } else {
                stillPrefilling += 1
            }
        }
        let capacity = configuration.kvCapacityTokens
        let reserved = kvHeld + kvSending + (isBusy ? decodeCount : 0)
        let checks: [(Bool, String)] = [
            (census.waiting == waitingCount, "waitingCount \(waitingCount), but \(census.waiting) queued requests have not abandoned"),
            (kvUsed >= 0 && kvUsed <= capacity, "KV used \(kvUsed) outside 0...\(capacity)"),
            (kvUsed == reserved, "KV used \(kvUsed), but the running requests hold \(reserved)"),
            (running.count <= configuration.batchSize, "\(running.count) running, batch size \(configuration.batchSize)"),
            (decoding == decodeCount, "decodeCount \(decodeCount), but \(decoding) running requests decode"),
            (context == decodeContext, "decodeContext \(decodeContext), but the decoding streams hold \(context)"),
            (stillPrefilling == prefilling.count, "\(prefilling.count) prefilling, but \(stillPrefilling) running requests prefill"),
            (isBusy || kvSending > 0 || (waiting.isEmpty && running.isEmpty && incomingDecodes.isEmpty),
             "idle with requests queued or running"),
            (kvSending >= 0 && kvSending <= kvUsed, "KV sending \(kvSending) outside 0...\(kvUsed)"),
        ]
        census.problems = checks.filter { !$0.0 }.map { "replica \(configuration.name): \($0.1)" }
        return census
    }
}
