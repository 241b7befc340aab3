/// PETALS' online router behind the `GeoOnlineRouter` protocol, so the online simulation runs it on
/// the same arrivals as WS-RR. The per-request allocation delay is part of each session's time,
/// as in the authors' scripts.
public struct PetalsGeoRouter: GeoOnlineRouter {
    private var router: PetalsOnlineRouter?
    private let instance: GeoInstance
    private let placement: BlockPlacement
    private var allocationDelay: Double?

    /// PETALS' router over `placement` (PETALS' own: `PetalsPlacement.joinPlacement`).
    public init(instance: GeoInstance, placement: BlockPlacement) {
        self.instance = instance
        self.placement = placement
    }

    /// PETALS' join placement (seeded join order) and its router.
    public init(instance: GeoInstance, seed: UInt64) {
        self.init(instance: instance, placement: PetalsPlacement.joinPlacement(instance: instance, seed: seed))
    }

    /// The placement PETALS' servers chose.
    public var chosenPlacement: BlockPlacement { placement }

    public mutating func route(client: Int, at time: Double, allocationDelay delay: Double) -> GeoRouteDecision? {
        if router == nil || allocationDelay != delay {
            let base = PetalsOnlineRouter.paperServiceTime(instance: instance)
            router = PetalsOnlineRouter(instance: instance, placement: placement, serviceTime: { base($0, $1) + delay })
            allocationDelay = delay
        }
        guard let route = router!.route(client: client, at: time) else { return nil }
        return GeoRouteDecision(
            ticket: route.id, hops: route.path.map { GeoHop(server: $0.server, blocks: $0.blocks) }, wait: route.wait,
            completionTime: route.end)
    }

    public mutating func release(_ decision: GeoRouteDecision, at time: Double) {
        router?.release(decision.ticket)
    }
}
