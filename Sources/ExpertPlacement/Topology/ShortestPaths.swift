/// Single-source shortest paths on a graph with non-negative weights.
enum ShortestPaths {
    /// Dijkstra with a binary heap; unreachable vertices get `.infinity`.
    static func dijkstra(adjacency: [[(vertex: Int, weight: Double)]], from source: Int) -> [Double] {
        var distance = [Double](repeating: .infinity, count: adjacency.count)
        distance[source] = 0
        var heap = MinHeap()
        heap.push(0, source)
        while let (d, v) = heap.pop() {
            if d > distance[v] { continue }
            for (u, w) in adjacency[v] where d + w < distance[u] {
                distance[u] = d + w
                heap.push(d + w, u)
            }
        }
        return distance
    }
}

/// A binary min-heap of (key, value) pairs.
struct MinHeap {
    private var items: [(key: Double, value: Int)] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func push(_ key: Double, _ value: Int) {
        items.append((key, value))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i].key < items[parent].key else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (Double, Int)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count && items[l].key < items[m].key { m = l }
                if r < items.count && items[r].key < items[m].key { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return (top.key, top.value)
    }
}
