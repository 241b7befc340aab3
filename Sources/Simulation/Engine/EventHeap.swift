/// What an event does when its time comes.
enum EventKind: UInt8 {
    /// A replica's iteration ends; `index` is the replica.
    case iterationEnd
    /// A waiting request's patience runs out; `index` is its slot, `generation` its occupant.
    case patienceExpired
    /// The next queue-length sample is due.
    case sample
}

/// One scheduled event. Ties in time are broken by insertion order, so runs replay exactly.
struct Event {
    var time: Double
    var sequence: UInt64
    var kind: EventKind
    var index: Int32
    var generation: UInt32
}

/// A binary min-heap of events ordered by (time, sequence), stored in one contiguous array.
struct EventHeap {
    private var items: [Event] = []
    private var nextSequence: UInt64 = 0

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }

    /// The time of the earliest event, or +infinity.
    var nextTime: Double { items.first?.time ?? .infinity }

    mutating func push(time: Double, kind: EventKind, index: Int32, generation: UInt32 = 0) {
        items.append(Event(time: time, sequence: nextSequence, kind: kind, index: index, generation: generation))
        nextSequence &+= 1
        siftUp(items.count - 1)
    }

    mutating func pop() -> Event? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            siftDown(0)
        }
        return top
    }

    @inline(__always)
    private func precedes(_ a: Event, _ b: Event) -> Bool {
        a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        let item = items[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(item, items[parent]) else { break }
            items[child] = items[parent]
            child = parent
        }
        items[child] = item
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let item = items[parent]
        let count = items.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            let right = left + 1
            let smaller = right < count && precedes(items[right], items[left]) ? right : left
            guard precedes(items[smaller], item) else { break }
            items[parent] = items[smaller]
            parent = smaller
        }
        items[parent] = item
    }
}
