/// What a plan costs on a set of statistics (normally the evaluation split).
public struct PlacementMetrics: Sendable, Hashable, Codable {
    /// Weighted hops per token from its GPU to the experts it routes to, summed over MoE layers.
    public var dispatchHops: Double
    /// Weighted hops per token back from the experts (the combine step), summed over MoE layers.
    public var combineHops: Double
    /// Bytes per token that cross a server boundary (dispatch and combine), summed over MoE layers.
    public var crossNodeBytes: Double
    /// Mean over layers of (max GPU load / mean GPU load).
    public var maxMeanLoad: Double
    /// The worst layer's max/mean GPU load.
    public var worstLayerMaxMeanLoad: Double
    /// layerLoad[l][g]: GPU g's expected token load at MoE layer l over the layer's mean GPU load
    /// (1 = balanced; every GPU 1 in a layer without tokens). A row's maximum is that layer's max/mean.
    public var layerLoad: [[Double]]

    /// Dispatch plus combine hops per token.
    public var expectedHops: Double { dispatchHops + combineHops }

    /// Evaluates `plan` on `counts`: a token on GPU s going to expert e visits the replica that
    /// `plan.routing` picks (nearest: the closest, ties split evenly; even: all replicas equally),
    /// moving `bytesPerActivation` bytes each way.
    public init(plan: ExpertPlan, counts: ActivationCounts, distances: DistanceMatrix, bytesPerActivation: Double) {
        let gpus = distances.count
        var dispatch = 0.0, combine = 0.0, cross = 0.0, ratioSum = 0.0, worst = 0.0
        var layerLoad: [[Double]] = []
        layerLoad.reserveCapacity(counts.layers)
        for l in 0..<counts.layers {
            let replicas = plan.replicas(layer: l, experts: counts.experts)
            var load = [Double](repeating: 0, count: gpus)
            for s in 0..<gpus {
                let base = counts.index(l, s, 0)
                for e in 0..<counts.experts {
                    let t = counts.counts[base + e]
                    if t == 0 { continue }
                    let targets: [Int]
                    switch plan.routing {
                    case .even:
                        targets = replicas[e]
                    case .nearest:
                        let nearest = replicas[e].map { distances[s, $0] }.min() ?? 0
                        targets = replicas[e].filter { distances[s, $0] == nearest }
                    }
                    let share = t / Double(targets.count)
                    for g in targets {
                        dispatch += share * distances[s, g]
                        combine += share * distances[g, s]
                        if distances.nodeOfGPU[s] != distances.nodeOfGPU[g] { cross += 2 * share * bytesPerActivation }
                        load[g] += share
                    }
                }
            }
            let mean = load.reduce(0, +) / Double(gpus)
            let relative = mean > 0 ? load.map { $0 / mean } : [Double](repeating: 1, count: gpus)
            let ratio = relative.max() ?? 1
            layerLoad.append(relative)
            ratioSum += ratio
            worst = max(worst, ratio)
        }
        let tokens = max(counts.tokens, 1)
        dispatchHops = dispatch / tokens
        combineHops = combine / tokens
        crossNodeBytes = cross / tokens
        maxMeanLoad = ratioSum / Double(max(counts.layers, 1))
        worstLayerMaxMeanLoad = worst
        self.layerLoad = layerLoad
    }
}
