/// An element of a `BinaryHeap`: a strict order in which the smallest element comes out first.
public protocol HeapOrdered {
    /// True when `lhs` must leave the heap before `rhs`.
    static func precedes(_ lhs: Self, _ rhs: Self) -> Bool
}

/// A binary min-heap in one contiguous array. Inlinable, so that the simulator's event loop and
/// other hot paths in other modules get it specialised per element type.
public struct BinaryHeap<Element: HeapOrdered> {
    @usableFromInline var items: [Element] = []

    /// An empty heap.
    @inlinable public init() {}

    @inlinable public var isEmpty: Bool { items.isEmpty }
    @inlinable public var count: Int { items.count }
    /// The smallest element.
    @inlinable public var first: Element? { items.first }

    /// Adds an element.
    @inlinable public mutating func push(_ element: Element) {
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
    @inlinable @discardableResult
    public mutating func popFirst() -> Element? {
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
