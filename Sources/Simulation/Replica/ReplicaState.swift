import ServingModel

/// The scheduler state of one replica: continuous batching with one chunked prefill per iteration
/// (Sarathi-Serve style), at most B streams, and a KV cache of fixed token capacity.
///
/// Policy per iteration, in order:
/// 1. admit waiting requests FCFS while fewer than B streams run and the KV cache can hold the
///    request's prefill target (head-of-line blocking, as in vLLM's FCFS scheduler);
/// 2. reserve one KV token for every decoding stream; when the cache is full, preempt the most
///    recently admitted stream (recompute: its cache is freed, it returns to the front of the queue
///    and later re-prefills prompt + generated tokens);
/// 3. schedule one prefill chunk of at most C tokens for the earliest admitted request still prefilling.
/// A finished prefill emits a token (the first one, or the next one after a recompute).
struct ReplicaState {
    let configuration: ReplicaConfiguration
    var waiting = SlotQueue()
    /// Waiting requests that have not abandoned (the queue may still hold abandoned slots).
    var waitingCount = 0
    /// Admitted requests in admission order.
    var running: [Int32] = []
    var kvUsed = 0
    var busy = false
    var currentPrefill: Int32 = -1
    var currentChunk: Int32 = 0

    init(configuration: ReplicaConfiguration) {
        self.configuration = configuration
        running.reserveCapacity(configuration.batchSize)
    }

    /// Requests queued or running here.
    var outstanding: Int { waitingCount + running.count }

    /// True when a new request would be admitted at the next iteration start.
    var hasFreeSlot: Bool { running.count + waitingCount < configuration.batchSize }
}
