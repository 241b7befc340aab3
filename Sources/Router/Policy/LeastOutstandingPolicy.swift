/// The available backend with the fewest requests in flight from this router; ties are broken by
/// a rotating start, so equally loaded backends take turns instead of the first one taking all.
///
/// ```swift
/// var policy = LeastOutstandingPolicy()
/// policy.route(request, backends: views)   // .send(backend: i, reason: "least-loaded")
/// ```
public struct LeastOutstandingPolicy: RoutingPolicy {
    public let name = "least-outstanding"
    /// Where the scan for the least loaded starts (advanced after every decision).
    private var rotation = 0

    public init() {}

    public mutating func route(_ request: RoutedRequest, backends: [BackendView]) -> RoutingDecision {
        guard !backends.isEmpty else { return .hold(reason: "no-backend-available") }
        var best: Int?
        for step in 0..<backends.count {
            let position = (rotation + step) % backends.count
            let backend = backends[position]
            guard backend.available else { continue }
            if let current = best, backends[current].inFlight <= backend.inFlight { continue }
            best = position
        }
        guard let best else { return .hold(reason: "no-backend-available") }
        rotation = (best + 1) % backends.count
        return .send(backend: backends[best].index, reason: "least-loaded")
    }
}
