/// An element of a `BinaryHeap`: a strict order in which the smallest element comes out first.
protocol HeapOrdered {
    /// True when `lhs` must leave the heap before `rhs`.
    static func precedes(_ lhs: Self, _ rhs: Self) -> Bool
}

/// A binary min-heap in one contiguous array, specialised per element type.
struct BinaryHeap<Element: HeapOrdered> {
    private var items: [Element] = []

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }
    /// The smallest element.
    var first: Element? { items.first }

    mutating func push(_ element: Element) {
        items.append(element)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Element.precedes(element, items[parent]) else { break }
            items[child] = items[parent]
            child = parent
        }
        items[child] = element
    }

    /// Removes and returns the smallest element.
    @discardableResult
    mutating func popFirst() -> Element? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        guard !items.isEmpty else { return top }
        var parent = 0
        let count = items.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            let right = left + 1
            let smaller = right < count && Element.precedes(items[right], items[left]) ? right : left
            guard Element.precedes(items[smaller], last) else { break }
            items[parent] = items[smaller]
            parent = smaller
        }
        items[parent] = last
        return top
    }
}
