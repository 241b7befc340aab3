/// The paper's planning rules the geo verbs, the benchmark and the demo share: |R| and the
/// contention-free per-token time of a placement.
/// ```
/// let R = GeoPlanning.plannedRequests(instance: GeoCalibration.clusteredTestbed(a100s: 2, migs: 7), arrivalRate: 0.5)
/// ```
public enum GeoPlanning {
    /// |R|: the scenario's `plannedRequests`, or the rule `plannedRequests(instance:arrivalRate:)`.
    public static func plannedRequests(_ scenario: GeoScenario) -> Int {
        scenario.plannedRequests ?? plannedRequests(instance: scenario.instance, arrivalRate: scenario.arrivalRate)
    }

    /// The |R| rule (Little's law plus one standard deviation): min(round(λT̂ + √(λT̂)), R_max) for
    /// arrival rate λ, with T̂ one request's time alone on CG-BP's placement for |R| = 1 (its shortest
    /// path from client 0) and R_max = ⌊(ΣM − s_m(L + |V_s|)) / (s_c(L + |V_s|))⌋, the paper's
    /// feasibility bound (at least 1). 1 when CG-BP cannot place the model even for one request.
    public static func plannedRequests(instance: GeoInstance, arrivalRate: Double) -> Int {
        let model = instance.model
        let servers = Double(instance.servers.count)
        let total = instance.servers.reduce(0) { $0 + $1.memoryBytes }
        let bound = ((total - model.blockBytes * (Double(model.blocks) + servers))
            / (model.cacheSlotBytes * (Double(model.blocks) + servers))).rounded(.down)
        // The reader caps |R| at 1,000,000; the bound is clamped there before it becomes an Int.
        let maxRequests = bound >= 1 ? Int(min(bound, 1_000_000)) : 1
        guard let single = try? CGBP.place(instance: instance, plannedRequests: 1),
              let path = CGBPRouting.route(instance: instance, placement: single.placement, client: 0) else { return 1 }
        return WSRRRouter.plannedRequests(arrivalRate: arrivalRate, singleRequestSeconds: path.cost, max: maxRequests)
    }

    /// Mean over clients of the per-token time Σ(t_cj + τ_j k) on each client's shortest path under
    /// `placement` (no contention); nil when some client has no path covering every block.
    public static func meanPerTokenSeconds(instance: GeoInstance, placement: BlockPlacement) -> Double? {
        var total = 0.0
        for client in instance.clients.indices {
            guard let path = CGBPRouting.route(instance: instance, placement: placement, client: client) else { return nil }
            total += instance.perTokenSeconds(client: client, hops: path.hops)
        }
        return total / Double(instance.clients.count)
    }
}
