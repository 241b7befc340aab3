import ServingModel

/// A decoding stream's scheduled completion: the replica iteration (tick) whose end emits its
/// last token.
struct FinishEntry {
    var tick: Int
    var slot: Int32
    /// The request's decode epoch when scheduled; a preempted stream's entry goes stale.
    var epoch: UInt64
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
        running.reserveCapacity(configuration.batchSize)
    }
}

/// A binary min-heap of finish entries by (tick, insertion order).
struct FinishHeap {
    private var items: [(entry: FinishEntry, sequence: UInt64)] = []
    private var nextSequence: UInt64 = 0

    var first: FinishEntry? { items.first?.entry }

    mutating func push(_ entry: FinishEntry) {
        items.append((entry, nextSequence))
        nextSequence &+= 1
        var child = items.count - 1
        let item = items[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(item, items[parent]) else { break }
            items[child] = items[parent]
            child = parent
        }
        items[child] = item
    }

    mutating func popFirst() {
        let last = items.removeLast()
        guard !items.isEmpty else { return }
        var parent = 0
        let count = items.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            let right = left + 1
            let smaller = right < count && precedes(items[right], items[left]) ? right : left
            guard precedes(items[smaller], last) else { break }
            items[parent] = items[smaller]
            parent = smaller
        }
        items[parent] = last
    }

    @inline(__always)
    private func precedes(_ a: (entry: FinishEntry, sequence: UInt64), _ b: (entry: FinishEntry, sequence: UInt64)) -> Bool {
        a.entry.tick < b.entry.tick || (a.entry.tick == b.entry.tick && a.sequence < b.sequence)
    }
}
