/// Smooth weighted round robin (nginx's): each available backend's current value grows by its
/// weight, the largest is picked and lowered by the sum of the weights. Over a cycle of integer
/// weights each backend is picked exactly its weight's times, interleaved (5, 1, 1 gives
/// a a b a c a a). Unavailable backends sit out, their share spread over the others by weight.
///
/// ```swift
/// var policy = WeightedPolicy()
/// policy.route(request, backends: views)   // .send(backend: i, reason: "weighted")
/// ```
public struct WeightedPolicy: RoutingPolicy {
    public let name = "weighted"
    /// Current values by backend index.
    private var current: [Double] = []

    public init() {}

    public mutating func route(_ request: RoutedRequest, backends: [BackendView]) -> RoutingDecision {
        if current.count != backends.count { current = Array(repeating: 0, count: backends.count) }
        var total = 0.0
        var best: Int?
        for (position, backend) in backends.enumerated() where backend.available && backend.weight > 0 {
            current[position] += backend.weight
            total += backend.weight
            if best.map({ current[position] > current[$0] }) ?? true { best = position }
        }
        guard let best else { return .hold(reason: "no-backend-available") }
        current[best] -= total
        return .send(backend: backends[best].index, reason: "weighted")
    }
}
