/// How tokens choose among the replicas of an expert.
public enum ReplicaRouting: String, Sendable, Hashable, Codable {
    /// To the replica nearest the token's GPU (ties split evenly).
    case nearest
    /// Evenly over all replicas (EPLB's load model).
    case even
}

/// A placement: for every MoE layer, the logical experts in each GPU's slots.
public struct ExpertPlan: Sendable, Hashable {
    /// The method that produced it.
    public var method: PlacementMethod
    /// `layers[l][g]`: logical experts on GPU g at layer l, in slot order (a replica repeats an id).
    public var layers: [[[Int]]]
    /// How tokens pick a replica.
    public var routing: ReplicaRouting

    /// Creates a plan.
    public init(method: PlacementMethod, layers: [[[Int]]], routing: ReplicaRouting) {
        self.method = method
        self.layers = layers
        self.routing = routing
    }

    /// A plan from one GPU per expert replica: `gpusOf[l][e]` lists the GPUs holding expert e.
    public init(method: PlacementMethod, gpusOf: [[[Int]]], gpus: Int, routing: ReplicaRouting) {
        let layers = gpusOf.map { layer -> [[Int]] in
            var onGPU = [[Int]](repeating: [], count: gpus)
            for (e, list) in layer.enumerated() { for g in list { onGPU[g].append(e) } }
            return onGPU
        }
        self.init(method: method, layers: layers, routing: routing)
    }

    /// `replicas(layer:experts:)[e]`: the GPUs holding expert e at `layer` (one entry per replica).
    public func replicas(layer: Int, experts: Int) -> [[Int]] {
        var gpusOf = [[Int]](repeating: [], count: experts)
        for (g, slots) in layers[layer].enumerated() { for e in slots { gpusOf[e].append(g) } }
        return gpusOf
    }
}
