/// Activation counts per (layer, token source, routed expert): how many of the tokens that sit on
/// source GPU s were routed to expert e at MoE layer l.
///
/// Statistics without a per-source breakdown are spread evenly over the sources
/// (`init(uniformSources:...)`), which is the paper's setting.
public struct ActivationCounts: Sendable, Hashable {
    /// MoE layers.
    public let layers: Int
    /// Token sources (GPUs holding the tokens, e.g. DP-attention ranks).
    public let sources: Int
    /// Routed experts per layer.
    public let experts: Int
    /// Tokens observed (the denominator of per-token metrics).
    public let tokens: Double
    /// Counts, flat: index (l·sources + s)·experts + e.
    public internal(set) var counts: [Double]

    /// Zero counts of the given shape.
    public init(layers: Int, sources: Int, experts: Int, tokens: Double) {
        self.layers = layers
        self.sources = sources
        self.experts = experts
        self.tokens = tokens
        counts = [Double](repeating: 0, count: layers * sources * experts)
    }

    /// Per-(layer, expert) counts `perExpert[l][e]` spread evenly over `sources` sources.
    public init(uniformSources perExpert: [[Double]], sources: Int, tokens: Double) {
        self.init(layers: perExpert.count, sources: sources, experts: perExpert.first?.count ?? 0, tokens: tokens)
        for l in 0..<layers {
            for s in 0..<sources {
                for e in 0..<experts { counts[index(l, s, e)] = perExpert[l][e] / Double(sources) }
            }
        }
    }

    /// Flat index of (layer, source, expert).
    @inline(__always) public func index(_ layer: Int, _ source: Int, _ expert: Int) -> Int {
        (layer * sources + source) * experts + expert
    }

    /// The count of (layer, source, expert).
    public subscript(layer: Int, source: Int, expert: Int) -> Double {
        get { counts[index(layer, source, expert)] }
        set { counts[index(layer, source, expert)] = newValue }
    }

    /// Total activations of each expert of `layer`, over all sources.
    public func expertLoads(layer: Int) -> [Double] {
        var loads = [Double](repeating: 0, count: experts)
        for s in 0..<sources {
            let base = index(layer, s, 0)
            for e in 0..<experts { loads[e] += counts[base + e] }
        }
        return loads
    }
}

/// Statistics for planning (`profile`) and for measuring the plans (`evaluation`), kept apart so
/// that a plan is never scored on the data it was fitted to.
public struct ActivationData: Sendable, Hashable {
    /// The profiling split the planners see.
    public var profile: ActivationCounts
    /// The held-out split the metrics use.
    public var evaluation: ActivationCounts
    /// False when the input had no separate evaluation split (the profile is reused).
    public var heldOut: Bool

    /// Pairs two splits of the same shape.
    public init(profile: ActivationCounts, evaluation: ActivationCounts, heldOut: Bool = true) {
        self.profile = profile
        self.evaluation = evaluation
        self.heldOut = heldOut
    }
}
