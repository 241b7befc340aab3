import ServingModel

/// What an event does when its time comes.
enum EventKind: UInt8 {
    /// A replica's iteration ends; `index` is the replica.
    case iterationEnd
    /// A waiting request's patience runs out; `index` is its slot, `generation` its occupant.
    case patienceExpired
    /// The next queue-length sample is due.
    case sample
    /// A KV cache has crossed the network to its decode replica; `index` is the request's slot.
    case transferEnd
}

/// One scheduled event. Ties in time are broken by insertion order, so runs replay exactly.
struct Event: HeapOrdered {
    var time: Double
    var sequence: UInt64
    var kind: EventKind
    var index: Int32
    var generation: UInt32

    @inline(__always)
    static func precedes(_ a: Event, _ b: Event) -> Bool {
        a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
    }
}

/// The simulator's event queue, ordered by (time, insertion order).
struct EventHeap {
    private var heap = BinaryHeap<Event>()
    private var nextSequence: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }

    /// The time of the earliest event, or +infinity.
    var nextTime: Double { heap.first?.time ?? .infinity }

    mutating func push(time: Double, kind: EventKind, index: Int32, generation: UInt32 = 0) {
        heap.push(Event(time: time, sequence: nextSequence, kind: kind, index: index, generation: generation))
        nextSequence &+= 1
    }

    mutating func pop() -> Event? { heap.popFirst() }
}
