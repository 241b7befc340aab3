/// A FIFO of request slots (ring buffer) that can also push to the front, for preempted requests.
struct SlotQueue {
    private var buffer: [Int32] = [Int32](repeating: -1, count: 16)
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    var first: Int32? { count == 0 ? nil : buffer[head] }

    mutating func append(_ slot: Int32) {
        if count == buffer.count { grow() }
        buffer[(head + count) & (buffer.count - 1)] = slot
        count += 1
    }

    mutating func prepend(_ slot: Int32) {
        if count == buffer.count { grow() }
        head = (head - 1 + buffer.count) & (buffer.count - 1)
        buffer[head] = slot
        count += 1
    }

    @discardableResult
    mutating func removeFirst() -> Int32 {
        let slot = buffer[head]
        head = (head + 1) & (buffer.count - 1)
        count -= 1
        return slot
    }

    /// The newest entry.
    var last: Int32? { count == 0 ? nil : buffer[(head + count - 1) & (buffer.count - 1)] }

    @discardableResult
    mutating func removeLast() -> Int32 {
        count -= 1
        return buffer[(head + count) & (buffer.count - 1)]
    }

    /// The entry `position` places after the oldest (0 is `first`); `position` must be below `count`.
    subscript(position: Int) -> Int32 { buffer[(head + position) & (buffer.count - 1)] }

    /// Calls `body` with every entry, oldest first.
    func forEach(_ body: (Int32) -> Void) {
        for i in 0..<count { body(buffer[(head + i) & (buffer.count - 1)]) }
    }

    private mutating func grow() {
        var larger = [Int32](repeating: -1, count: buffer.count * 2)
        for i in 0..<count { larger[i] = buffer[(head + i) & (buffer.count - 1)] }
        buffer = larger
        head = 0
    }
}
