/// Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, SODA 2018): each
/// backend has `virtualNodes` points on a ring (hashes of its URL, so every router replica builds
/// the same ring); a request's prefix key walks the ring clockwise to the first available backend
/// whose in-flight count is below ⌈c · (T + 1) / n⌉, with T the requests in flight on the n
/// available backends and c the load factor. A prefix stays on one backend (its KV cache reused)
/// until that backend holds more than its bounded share; then it spills to the next on the ring,
/// so a hot prefix cannot herd one backend: no backend ever exceeds ⌈c · mean⌉.
///
/// Reasons: `prefix-hit` (the key's own backend, the first on the ring), `prefix-overflow` (a
/// later one, because the first was full or down).
///
/// ```swift
/// var policy = PrefixAffinityPolicy(settings: PrefixAffinitySettings(prefixBytes: 256, loadFactor: 1.25))
/// let hash = PrefixHash.of(prompt, prefixBytes: 256)
/// policy.route(RoutedRequest(id: "r1", model: "m", promptTokens: 100, prefixHash: hash), backends: views)
/// ```
public struct PrefixAffinityPolicy: RoutingPolicy {
    public let name = "prefix-affinity"
    public let settings: PrefixAffinitySettings
    /// The ring, sorted by point; rebuilt when the backends' URLs change.
    private var ring: [(point: UInt64, position: Int)] = []
    private var ringURLs: [String] = []

    public init(settings: PrefixAffinitySettings = PrefixAffinitySettings()) {
        self.settings = settings
    }

    /// The largest in-flight count a backend may have and still take a request, with `total` in
    /// flight on `available` backends: ⌈c · (total + 1) / available⌉.
    public static func bound(loadFactor: Double, total: Int, available: Int) -> Int {
        Int((loadFactor * Double(total + 1) / Double(max(available, 1))).rounded(.up))
    }

    public mutating func route(_ request: RoutedRequest, backends: [BackendView]) -> RoutingDecision {
        let urls = backends.map(\.url)
        if urls != ringURLs { rebuild(urls) }
        let available = backends.filter(\.available)
        guard !available.isEmpty, !ring.isEmpty else { return .hold(reason: "no-backend-available") }
        let total = available.reduce(0) { $0 + $1.inFlight }
        let limit = Self.bound(loadFactor: settings.loadFactor, total: total, available: available.count)
        let start = firstPoint(atOrAfter: request.prefixHash)
        let home = ring[start].position
        for step in 0..<ring.count {
            let position = ring[(start + step) % ring.count].position
            let backend = backends[position]
            if backend.available && backend.inFlight < limit {
                return .send(backend: backend.index, reason: position == home ? "prefix-hit" : "prefix-overflow")
            }
        }
        // Unreachable when the loads are consistent (n backends all at the bound would hold
        // n · ⌈c(T+1)/n⌉ ≥ T + 1 > T requests); holding keeps the request rather than overloading.
        return .hold(reason: "prefix-full")
    }

    /// The ring index of the first point at or after `hash`, wrapping to 0.
    private func firstPoint(atOrAfter hash: UInt64) -> Int {
        var low = 0, high = ring.count
        while low < high {
            let middle = (low + high) / 2
            if ring[middle].point < hash { low = middle + 1 } else { high = middle }
        }
        return low == ring.count ? 0 : low
    }

    private mutating func rebuild(_ urls: [String]) {
        ringURLs = urls
        var points: [(point: UInt64, position: Int)] = []
        points.reserveCapacity(urls.count * settings.virtualNodes)
        for (position, url) in urls.enumerated() {
            for node in 0..<settings.virtualNodes {
                points.append((PrefixHash.of("\(url)#\(node)", prefixBytes: Int.max), position))
            }
        }
        ring = points.sorted { $0.point != $1.point ? $0.point < $1.point : $0.position < $1.position }
    }
}
