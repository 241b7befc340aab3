/// One expert-placement instance: per MoE layer, `experts` routed experts (plus
/// `redundantExperts` replicas) go into `slotsPerGPU` slots on each of the GPUs, and tokens on
/// every GPU are dispatched to the experts they route to and combined back.
public struct PlacementProblem: Sendable {
    /// MoE layers.
    public let layers: Int
    /// Routed (logical) experts per layer.
    public let experts: Int
    /// Expert slots per GPU per layer.
    public let slotsPerGPU: Int
    /// Extra replicas per layer that replicating methods may add (0: one copy of each expert).
    public let redundantExperts: Int
    /// Expert groups of group-limited routing (EPLB's hierarchical mode packs groups onto nodes).
    public let expertGroups: Int
    /// GPU-to-GPU hop distances and the server of each GPU.
    public let distances: DistanceMatrix
    /// The profiling statistics the planners see; its sources are the GPUs.
    public let profile: ActivationCounts

    /// Number of GPUs.
    public var gpus: Int { distances.count }
    /// Physical experts per layer when replicating (`experts + redundantExperts`).
    public var physicalExperts: Int { experts + redundantExperts }

    /// Checks the shapes and capacities; throws `PlacementError` naming the numbers.
    public init(
        experts: Int, slotsPerGPU: Int, redundantExperts: Int = 0, expertGroups: Int = 1, distances: DistanceMatrix,
        profile: ActivationCounts
    ) throws(PlacementError) {
        let gpus = distances.count
        guard experts > 0, gpus > 0, slotsPerGPU > 0 else {
            throw PlacementError("need at least one expert, GPU and slot (experts \(experts), GPUs \(gpus), slots \(slotsPerGPU))")
        }
        guard redundantExperts >= 0 else { throw PlacementError("redundantExperts is \(redundantExperts); it must be ≥ 0") }
        guard slotsPerGPU * gpus >= experts + redundantExperts else {
            throw PlacementError(
                "\(gpus) GPUs × \(slotsPerGPU) slots = \(slotsPerGPU * gpus) slots per layer cannot hold \(experts) experts"
                    + (redundantExperts > 0 ? " + \(redundantExperts) redundant" : "")
                    + "; need at least \((experts + redundantExperts + gpus - 1) / gpus) slots per GPU")
        }
        guard profile.experts == experts, profile.sources == gpus, profile.layers > 0 else {
            throw PlacementError(
                "activation statistics have shape \(profile.layers) layers × \(profile.sources) sources × \(profile.experts) experts; "
                    + "expected \(experts) experts and \(gpus) sources (one per GPU)")
        }
        if let bad = profile.counts.firstIndex(where: { $0 < 0 || !$0.isFinite }) {
            let e = bad % experts, s = (bad / experts) % gpus, l = bad / (experts * gpus)
            throw PlacementError("activation count of layer \(l), source \(s), expert \(e) is \(profile.counts[bad]); counts must be ≥ 0")
        }
        self.layers = profile.layers
        self.experts = experts
        self.slotsPerGPU = slotsPerGPU
        self.redundantExperts = redundantExperts
        self.expertGroups = expertGroups
        self.distances = distances
        self.profile = profile
    }

    /// Round-trip cost of serving all of expert e's profiled tokens from GPU g:
    /// cost[e][g] = Σ_s tokens[l,s,e] · (D[s,g] + D[g,s]).
    public func costs(layer: Int) -> [[Double]] {
        var cost = [[Double]](repeating: [Double](repeating: 0, count: gpus), count: experts)
        let round = (0..<gpus).map { s in (0..<gpus).map { g in distances[s, g] + distances[g, s] } }
        for s in 0..<gpus {
            let base = profile.index(layer, s, 0)
            for e in 0..<experts {
                let t = profile.counts[base + e]
                if t == 0 { continue }
                for g in 0..<gpus { cost[e][g] += t * round[s][g] }
            }
        }
        return cost
    }
}
