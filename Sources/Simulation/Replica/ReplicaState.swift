import ServingModel

/// A decoding stream's scheduled completion: the replica iteration (tick) whose end emits its
/// last token.
struct FinishEntry: HeapOrdered {
    var tick: Int
    var slot: Int32
    /// The request's decode epoch when scheduled; a preempted stream's entry goes stale.
    var epoch: UInt64
    /// Insertion order, set by `FinishHeap`, which breaks ties between equal ticks.
    var sequence: UInt64 = 0

    @inline(__always)
    static func precedes(_ a: FinishEntry, _ b: FinishEntry) -> Bool {
        a.tick < b.tick || (a.tick == b.tick && a.sequence < b.sequence)
    }
}

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
///
/// Decoding streams are not visited each iteration: the replica keeps their count and total
/// context, and a min-heap of the ticks at which each one emits its last token, so an iteration
/// costs O(1) plus O(log B) per completion.
struct ReplicaState {
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
    /// Iterations completed.
    var tick = 0
    var kvUsed = 0
    var busy = false
    var currentPrefill: Int32 = -1
    var currentChunk: Int32 = 0

    init(configuration: ReplicaConfiguration) {
        self.configuration = configuration
        // Room for a typical batch up front; a larger one grows with what is admitted.
        running.reserveCapacity(min(configuration.batchSize, 256))
    }
}

/// The finish entries of a replica, earliest tick first (insertion order on ties).
struct FinishHeap {
    private var heap = BinaryHeap<FinishEntry>()
    private var nextSequence: UInt64 = 0

    var first: FinishEntry? { heap.first }

    mutating func push(_ entry: FinishEntry) {
        var entry = entry
        entry.sequence = nextSequence
        nextSequence &+= 1
        heap.push(entry)
    }

    mutating func popFirst() { heap.popFirst() }
}
