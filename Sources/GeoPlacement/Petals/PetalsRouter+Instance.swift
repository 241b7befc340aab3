extension PetalsRouter {
    /// What one block costs inside a span.
    public enum PerBlockCost: Sendable, Hashable {
        /// PETALS with no reported inference_rps: `Costs.defaultInferenceRPS` (1/300 s per block).
        case petalsDefault
        /// The paper's emulation: τ_j per block, so a span of k blocks costs τ_j·k.
        case decodeTime
    }

    /// The routing graph the emulation builds for `client` of `instance` under `placement`: spans of the
    /// placed servers, raw client and server-to-server RTTs from the network (unknown sites give the 0.15 s
    /// default), and the session check `sessionsLeft[j] > 0` for cache.
    public init(instance: GeoInstance, placement: BlockPlacement, client: Int, sessionsLeft: [Int],
                perBlock: PerBlockCost = .decodeTime, costs: Costs = Costs()) {
        let network = instance.network
        let clientSite = instance.clients[client].site
        let placed = placement.ranges.indices.filter { (placement.ranges[$0]?.blockCount ?? 0) > 0 }
        let spans = placed.map { j in
            let server = instance.servers[j]
            var pings: [Int: Double] = [:]
            for k in placed where k != j {
                pings[k] = network.rtt(from: server.site, to: instance.servers[k].site)
            }
            return Span(
                server: j, blocks: placement.ranges[j]!,
                inferenceRPS: perBlock == .decodeTime ? 1 / server.decodeSecondsPerBlock : nil,
                clientRTT: network.rtt(from: clientSite, to: server.site), pings: pings,
                cache: .sessionsLeft(sessionsLeft[j]))
        }
        self.init(blockCount: instance.model.blocks, spans: spans, costs: costs)
    }
}
