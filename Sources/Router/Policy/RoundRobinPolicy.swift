/// Round robin over the available backends: each request goes to the next available backend
/// after the last one picked, in index order.
///
/// ```swift
/// var policy = RoundRobinPolicy()
/// policy.route(request, backends: views)   // .send(backend: 0, reason: "round-robin"), then 1, 2, 0, ...
/// ```
public struct RoundRobinPolicy: RoutingPolicy {
    public let name = "round-robin"
    /// The index the next search starts at.
    private var cursor = 0

    public init() {}

    public mutating func route(_ request: RoutedRequest, backends: [BackendView]) -> RoutingDecision {
        guard !backends.isEmpty else { return .hold(reason: "no-backend-available") }
        for step in 0..<backends.count {
            let position = (cursor + step) % backends.count
            if backends[position].available {
                cursor = (position + 1) % backends.count
                return .send(backend: backends[position].index, reason: "round-robin")
            }
        }
        return .hold(reason: "no-backend-available")
    }
}
