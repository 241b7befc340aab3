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
