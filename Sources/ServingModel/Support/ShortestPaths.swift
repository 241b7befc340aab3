/// Single-source shortest paths on graphs with non-negative weights (cluster topologies, site graphs).
public enum ShortestPaths {
    /// Dijkstra with a binary heap: the distance from `source` to every vertex of `adjacency`
    /// (`adjacency[v]` lists v's neighbours with the edge weights); unreachable vertices get `.infinity`.
    /// Parallel edges count with their smallest weight.
    public static func dijkstra(adjacency: [[(vertex: Int, weight: Double)]], from source: Int) -> [Double] {
        var distance = [Double](repeating: .infinity, count: adjacency.count)
        distance[source] = 0
        var frontier = BinaryHeap<Tentative>()
        frontier.push(Tentative(distance: 0, vertex: source))
        while let next = frontier.popFirst() {
            if next.distance > distance[next.vertex] { continue }
            for (u, w) in adjacency[next.vertex] where next.distance + w < distance[u] {
                distance[u] = next.distance + w
                frontier.push(Tentative(distance: next.distance + w, vertex: u))
            }
        }
        return distance
    }

    /// A vertex with a tentative distance, smallest first.
    private struct Tentative: HeapOrdered {
        var distance: Double
        var vertex: Int

        static func precedes(_ lhs: Tentative, _ rhs: Tentative) -> Bool { lhs.distance < rhs.distance }
    }
}
