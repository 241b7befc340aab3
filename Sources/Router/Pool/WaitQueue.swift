/// The router-side FIFO of a pool: requests a policy holds, or that found every backend at its
/// in-flight limit. Bounded by the pool's `maxQueued`; entries leave from the front (served), or
/// from anywhere by ticket (timeout, client gone). Tickets rise, so an entry is found by binary
/// search; removed entries leave a hole until the front passes it.
struct WaitQueue<Element> {
    private var slots: [(ticket: UInt64, element: Element?)] = []
    private var head = 0
    private var nextTicket: UInt64 = 0
    /// Entries waiting (holes not counted).
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// Appends `element`; returns its ticket.
    mutating func append(_ element: Element) -> UInt64 {
        nextTicket += 1
        slots.append((nextTicket, element))
        count += 1
        return nextTicket
    }

    /// Removes and returns the entry with `ticket`, if it still waits.
    mutating func remove(ticket: UInt64) -> Element? {
        guard let index = position(of: ticket), let element = slots[index].element else { return nil }
        slots[index].element = nil
        count -= 1
        compact()
        return element
    }

    /// The tickets and entries in order, at most `limit` of them (holes skipped).
    func prefix(_ limit: Int) -> [(ticket: UInt64, element: Element)] {
        var result: [(ticket: UInt64, element: Element)] = []
        var index = head
        while index < slots.count, result.count < limit {
            if let element = slots[index].element { result.append((slots[index].ticket, element)) }
            index += 1
        }
        return result
    }

    /// Removes every entry and returns them in order.
    mutating func removeAll() -> [Element] {
        let elements = slots[head...].compactMap(\.element)
        slots.removeAll()
        head = 0
        count = 0
        return elements
    }

    private func position(of ticket: UInt64) -> Int? {
        var low = head
        var high = slots.count
        while low < high {
            let middle = (low + high) / 2
            if slots[middle].ticket < ticket { low = middle + 1 } else { high = middle }
        }
        return low < slots.count && slots[low].ticket == ticket ? low : nil
    }

    /// Drops the holes at the front, and the consumed front once it is half the storage.
    private mutating func compact() {
        while head < slots.count, slots[head].element == nil { head += 1 }
        if head == slots.count {
            slots.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 64, head * 2 > slots.count {
            slots.removeFirst(head)
            head = 0
        }
    }
}

extension WaitQueue: Sendable where Element: Sendable {}
