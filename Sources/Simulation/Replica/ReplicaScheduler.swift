import ServingModel

/// The per-replica half of the simulator's scheduling (Vidur's *replica scheduler*): which of the
/// requests queued on one replica run in its next iteration (batching, KV admission, preemption)
/// and what an iteration's end produces. The *global scheduler* is the `ClusterPolicy` (routing,
/// held requests, decode placement); the event loop is `SimulationEngine`, which owns the request
/// table and the cluster-wide counters and calls a scheduler at these points:
///
/// ```swift
/// scheduler.enqueue(slot)                                   // a request routed here
/// if !scheduler.isBusy,
///    let batch = scheduler.startIteration(now: now, table: &table, changes: &changes) {
///     // apply `changes` to the counters, schedule the iteration end after batch's duration
/// }
/// // at the iteration's end:
/// scheduler.endIteration(now: now, table: &table)
/// while let prefilled = scheduler.nextFinishedPrefill() { /* complete, or place its decode */ }
/// while let done = scheduler.nextFinishedStream(table: table) { /* complete */ }
/// ```
///
/// Conforming types are value types, one per replica, owned by one run; requests are the engine's
/// `RequestTable` slots.
protocol ReplicaScheduler {
    /// Creates the empty scheduler of a replica.
    init(configuration: ReplicaConfiguration)

    /// The replica's engine limits.
    var configuration: ReplicaConfiguration { get }
    /// True while an iteration is in flight (from `startIteration` returning a batch to `endIteration`).
    var isBusy: Bool { get }
    /// Queued requests that have not abandoned.
    var waitingCount: Int { get }
    /// Admitted requests (prefilling and decoding).
    var runningCount: Int { get }
    /// Admitted requests still prefilling.
    var prefillingCount: Int { get }
    /// Decoding streams, including the ones moved here and not yet admitted.
    var decodingCount: Int { get }
    /// KV-cache tokens in use (reservations of the iteration in flight included).
    var kvUsed: Int { get }
    /// KV-cache *blocks* (within `kvUsed`, which counts tokens) held by caches being sent to decode
    /// replicas; while some are, the replica may idle with requests queued that do not fit beside them.
    var kvSending: Int { get }
    /// The longest context, in tokens, whose cache a stream moved here to decode can ever be
    /// admitted with (the whole cache less the watermark, in whole blocks).
    var admissibleDecodeTokens: Int { get }

    /// A request routed to this replica joins its queue.
    mutating func enqueue(_ slot: Int32)
    /// A request prefilled elsewhere comes here to decode.
    mutating func enqueueDecode(_ slot: Int32)
    /// A queued request abandoned; its slot stays queued until admission skips (and frees) it.
    mutating func abandonWaiting()

    /// Admits, preempts and forms the next batch at time `now`; nil (and idle) when there is nothing
    /// to run. Requests admitted, preempted or rejected (removed from `table`) are added to `changes`.
    mutating func startIteration(now: Double, table: inout RequestTable, changes: inout SchedulingChanges) -> BatchShape?
    /// Ends the iteration in flight (the replica is idle from here).
    mutating func endIteration(now: Double, table: inout RequestTable)
    /// The next request whose prefill the last iteration finished (it has just emitted a token),
    /// oldest admission first.
    mutating func nextFinishedPrefill() -> Int32?
    /// The next decoding stream that has emitted its last token by the end of the last iteration.
    mutating func nextFinishedStream(table: RequestTable) -> Int32?
    /// A request whose prefill finished here goes on to decode here.
    mutating func startDecoding(_ slot: Int32, table: inout RequestTable)
    /// A prefilled request leaves with its KV cache (to decode elsewhere).
    mutating func detach(_ slot: Int32, table: inout RequestTable)
    /// A detached request's KV cache, the `blocks` it held (its `kvHeld` before `detach`), stays
    /// held here while it is sent to its decode replica (a disaggregated fleet), until `releaseSentCache`.
    mutating func holdSentCache(blocks: Int)
    /// The blocks held by `holdSentCache` are freed: the cache has arrived at its decode replica.
    mutating func releaseSentCache(blocks: Int)
    /// A completed request leaves and frees its KV cache.
    mutating func release(_ slot: Int32, table: inout RequestTable)

    /// Debug checks: what this replica's queues hold, recounted, and every disagreement between
    /// that and its own counters (empty when consistent).
    func census(table: RequestTable) -> ReplicaCensus
}

/// What one `startIteration` changed besides the replica itself, for the engine's counters.
struct SchedulingChanges {
    /// Requests moved from waiting to running (new prefills).
    var admitted = 0
    /// Requests moved from running back to waiting (recompute preemption).
    var preempted = 0
    /// Requests that can never fit the replica's KV cache, already removed from the table.
    var rejected: [RejectedRequest] = []
}

/// A request refused by a replica because its prefill target can never fit: more than the KV
/// cache can ever give it, or (vllm-v0) more tokens than one prefill batch may hold.
struct RejectedRequest {
    var record: RequestRecord
    var reason: RejectionReason
    /// Its prefill target, in tokens.
    var need: Int
    /// The most tokens it could have been given (KV cache or token budget).
    var capacity: Int
}

/// A replica's queues recounted by walking them (debug checks only).
struct ReplicaCensus {
    /// Queued requests that have not abandoned.
    var waiting = 0
    /// Abandoned requests still queued (their slots are still taken in the table).
    var abandonedQueued = 0
    /// Admitted requests.
    var running = 0
    /// Prefilled requests moved here and not yet admitted.
    var incoming = 0
    /// Disagreements between the replica's counters and its queues.
    var problems: [String] = []
}
