import ServingModel

/// A request inside a `LiveReplica`: unique for the replica's lifetime (never reused).
public struct LiveRequestID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static func < (lhs: LiveRequestID, rhs: LiveRequestID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

/// What `LiveReplica.startIteration` did: the iteration's duration (nil when the replica is idle:
/// nothing to run) and the requests it refused because they can never fit.
public struct LiveIterationStart: Sendable, Equatable {
    /// Seconds the iteration takes, from the replica's iteration-time model; nil when nothing runs.
    public var seconds: Double?
    /// Requests rejected while the batch was formed (their prompt, or prompt + generated tokens
    /// after a preemption, can never fit the KV cache, or vllm-v0's token budget). They are gone.
    public var rejected: [LiveRejection]
}

/// A request the replica refused, with the simulator's reason and numbers.
public struct LiveRejection: Sendable, Equatable {
    public var id: LiveRequestID
    public var reason: RejectionReason
    /// Its prefill target, in tokens.
    public var need: Int
    /// The most tokens it could have been given.
    public var capacity: Int
}

/// What the end of an iteration produced, in the order a server delivers it: first the decode
/// tick's tokens (one to each stream in `decoded`), then one token to each request in `prefilled`
/// (its first token, or its next one after a recompute preemption), then the requests in
/// `finished` have emitted their last token and left (their KV cache is free).
public struct LiveIterationOutcome: Sendable, Equatable {
    /// Streams that emitted one decode token in this iteration, in admission order of their decode.
    public var decoded: [LiveRequestID] = []
    /// Requests whose prefill finished in this iteration: each emitted one token.
    public var prefilled: [LiveRequestID] = []
    /// Requests that emitted their last token in this iteration and left the replica.
    public var finished: [LiveRequestID] = []
    /// True when the iteration ran the decodes (a decode tick).
    public var decodeTick = false

    public init() {}
}

/// The simulator's replica, driven from outside in wall-clock (or any) time: the same
/// `ContinuousBatchingScheduler` (`BatchingRule`, KV blocks, preemption) and the same iteration-time
/// model as `Simulator`, with the event loop left to the caller, so a server can run iterations
/// back to back and deliver tokens when each one ends. `gpusched mock-engine` runs one; fed the
/// same arrivals at the same times, it produces the first tokens and completions `Simulator`
/// predicts for a one-replica fleet.
///
/// ```swift
/// var replica = LiveReplica(configuration: configuration)
/// let id = replica.submit(promptTokens: 512, outputTokens: 64, now: 0)
/// if let seconds = replica.startIteration(now: 0).seconds {
///     // … wait `seconds` …
///     let outcome = replica.endIteration(now: seconds)   // outcome.prefilled == [id]
/// }
/// ```
///
/// Not thread-safe by itself (a value type): the caller serialises access (a server keeps it
/// behind a lock).
public struct LiveReplica {
    /// The replica's engine limits and iteration-time model.
    public let configuration: ReplicaConfiguration
    private var scheduler: ContinuousBatchingScheduler
    private var table = RequestTable()
    /// Slot of every request in the replica (waiting, running or aborted while waiting).
    private var slots: [LiveRequestID: Int32] = [:]
    /// Decoding streams in the order they started decoding (rebuilt when one leaves).
    private var decoding: [Int32] = []
    /// Aborts asked for while an iteration was in flight, applied when it ends.
    private var pendingAborts: [LiveRequestID] = []
    private var nextID = 0

    /// An empty replica.
    public init(configuration: ReplicaConfiguration) {
        self.configuration = configuration
        scheduler = ContinuousBatchingScheduler(configuration: configuration)
    }

    // MARK: Counts

    /// True while an iteration is in flight (between `startIteration` returning a duration and `endIteration`).
    public var isBusy: Bool { scheduler.isBusy }
    /// Requests queued, not yet admitted (or preempted back to the queue).
    public var waitingCount: Int { scheduler.waitingCount }
    /// Admitted requests (prefilling and decoding).
    public var runningCount: Int { scheduler.runningCount }
    /// Requests in the replica: waiting or running.
    public var inFlightCount: Int { scheduler.waitingCount + scheduler.runningCount }
    /// Fraction of the KV cache's blocks in use, in [0, 1] (vLLM's `kv_cache_usage_perc`).
    public var kvUsage: Double {
        let total = scheduler.blocks.total
        return total > 0 ? Double(scheduler.blocks.used) / Double(total) : 0
    }
    /// True when some request is waiting or running, so an iteration can be started.
    public var hasWork: Bool { scheduler.waitingCount > 0 || scheduler.runningCount > 0 }

    /// The longest prompt the replica can ever admit, in tokens: the KV cache less vLLM's watermark
    /// (vllm-v1 admits up to the whole cache when nothing else runs), and under vllm-v0 the token
    /// budget C as well.
    public var largestAdmissiblePrompt: Int {
        let blocks = configuration.scheduler == .vllmV1 ? scheduler.blocks.total : scheduler.blocks.admissibleBlocks
        let cache = blocks * scheduler.blocks.blockSize
        return configuration.scheduler == .vllmV0 ? min(cache, configuration.chunkSize) : cache
    }

    // MARK: Requests

    /// A request arrives at time `now` (seconds on the caller's clock) and joins the queue. Lengths
    /// are clamped to [1, `WorkloadBounds.maxTokens`], as the simulator does.
    public mutating func submit(promptTokens: Int, outputTokens: Int, now: Double) -> LiveRequestID {
        let id = LiveRequestID(rawValue: nextID)
        nextID += 1
        let prompt = Int32(clamping: min(max(1, promptTokens), WorkloadBounds.maxTokens))
        let output = Int32(clamping: min(max(1, outputTokens), WorkloadBounds.maxTokens))
        let record = RequestRecord(
            id: id.rawValue, classIndex: 0, arrival: now, promptTokens: prompt, outputTokens: output,
            prefillTarget: prompt, measured: true)
        let slot = table.insert(record)
        slots[id] = slot
        scheduler.enqueue(slot)
        return id
    }

    /// Takes `id` out of the replica (a client that went away): a waiting request leaves the queue,
    /// a running one frees its batch slot and KV cache. While an iteration is in flight the abort
    /// takes effect when it ends (the iteration's work is already under way); the request then
    /// produces nothing more. Unknown or finished ids are ignored.
    public mutating func abort(_ id: LiveRequestID) {
        guard slots[id] != nil else { return }
        if scheduler.isBusy {
            pendingAborts.append(id)
        } else {
            remove(id)
        }
    }

    // MARK: Iterations

    /// Forms the next batch at time `now` and returns its duration from the iteration-time model
    /// (nil: idle, nothing to run), with the requests rejected on the way. Call only when not busy.
    public mutating func startIteration(now: Double) -> LiveIterationStart {
        precondition(!scheduler.isBusy, "startIteration while an iteration is in flight")
        var changes = SchedulingChanges()
        let batch = scheduler.startIteration(now: now, table: &table, changes: &changes)
        var rejected: [LiveRejection] = []
        for rejection in changes.rejected {
            let id = LiveRequestID(rawValue: rejection.record.id)
            slots[id] = nil
            rejected.append(LiveRejection(id: id, reason: rejection.reason, need: rejection.need, capacity: rejection.capacity))
        }
        // Streams preempted while the batch was formed stopped decoding.
        if changes.preempted > 0 { decoding.removeAll { !table[$0].isDecoding } }
        guard let batch else { return LiveIterationStart(seconds: nil, rejected: rejected) }
        return LiveIterationStart(seconds: configuration.iterationModel.iterationSeconds(batch), rejected: rejected)
    }

    /// Ends the iteration in flight at time `now`: the decode tick's tokens, the finished prefills'
    /// tokens, and the requests that have finished (released). Aborts asked for during the
    /// iteration are applied last, to requests that did not finish.
    public mutating func endIteration(now: Double) -> LiveIterationOutcome {
        precondition(scheduler.isBusy, "endIteration without an iteration in flight")
        var outcome = LiveIterationOutcome()
        let tickBefore = scheduler.decodeTick
        scheduler.endIteration(now: now, table: &table)
        if scheduler.decodeTick != tickBefore {
            outcome.decodeTick = true
            outcome.decoded.reserveCapacity(decoding.count)
            for slot in decoding { outcome.decoded.append(LiveRequestID(rawValue: table[slot].id)) }
        }
        var left = false
        while let slot = scheduler.nextFinishedPrefill() {
            let id = LiveRequestID(rawValue: table[slot].id)
            outcome.prefilled.append(id)
            if table[slot].generated >= table[slot].outputTokens {
                outcome.finished.append(id)
                finish(slot, id: id)
            } else {
                scheduler.startDecoding(slot, table: &table)
                decoding.append(slot)
            }
        }
        while let slot = scheduler.nextFinishedStream(table: table) {
            let id = LiveRequestID(rawValue: table[slot].id)
            outcome.finished.append(id)
            finish(slot, id: id)
            left = true
        }
        if left { decoding.removeAll { !table[$0].isDecoding } }
        if !pendingAborts.isEmpty {
            let aborts = pendingAborts
            pendingAborts.removeAll()
            for id in aborts { remove(id) }
        }
        return outcome
    }

    // MARK: Departures

    private mutating func finish(_ slot: Int32, id: LiveRequestID) {
        scheduler.release(slot, table: &table)
        table.remove(slot)
        slots[id] = nil
    }

    /// Removes a request between iterations, wherever it is.
    private mutating func remove(_ id: LiveRequestID) {
        guard let slot = slots.removeValue(forKey: id) else { return }
        if table[slot].isWaiting {
            // Freed by the queue when it reaches the head, as the simulator does with abandonments.
            table[slot].abandoned = true
            scheduler.abandonWaiting()
            return
        }
        let wasDecoding = table[slot].isDecoding
        scheduler.abortRunning(slot, table: &table)
        table.remove(slot)
        if wasDecoding { decoding.removeAll { $0 == slot } }
    }
}
