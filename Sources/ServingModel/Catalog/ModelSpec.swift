/// How keys and values are cached per token and layer.
public enum AttentionKind: Sendable, Hashable, Codable {
    /// Multi-head or grouped-query attention: each layer caches K and V, `kvHeads × headDim` values each.
    case groupedQuery
    /// DeepSeek's multi-head latent attention: each layer caches one compressed latent of
    /// `kvLoraRank` values plus a decoupled RoPE key of `ropeHeadDim` values.
    case multiHeadLatent(kvLoraRank: Int, ropeHeadDim: Int)
}

/// The mixture-of-experts part of a model.
public struct MoESpec: Sendable, Hashable, Codable {
    /// Number of layers whose MLP is an MoE block (the others are dense).
    public var moeLayers: Int
    /// Routed experts per MoE layer.
    public var routedExperts: Int
    /// Routed experts each token activates (top-k).
    public var expertsPerToken: Int
    /// Shared experts every token passes through.
    public var sharedExperts: Int
    /// Intermediate (FFN) size of one expert.
    public var expertIntermediateSize: Int
    /// Expert groups for group-limited routing (1 when routing is not grouped).
    public var expertGroups: Int
    /// Groups a token may route into (equal to `expertGroups` when routing is not grouped).
    public var groupsPerToken: Int
    /// Measured cost of the expert kernels beyond the roofline (nil: the roofline alone).
    public var kernelCost: ExpertKernelCost?

    /// Creates an MoE description.
    public init(
        moeLayers: Int, routedExperts: Int, expertsPerToken: Int, sharedExperts: Int,
        expertIntermediateSize: Int, expertGroups: Int = 1, groupsPerToken: Int = 1, kernelCost: ExpertKernelCost? = nil
    ) {
        self.moeLayers = moeLayers
        self.routedExperts = routedExperts
        self.expertsPerToken = expertsPerToken
        self.sharedExperts = sharedExperts
        self.expertIntermediateSize = expertIntermediateSize
        self.expertGroups = expertGroups
        self.groupsPerToken = groupsPerToken
        self.kernelCost = kernelCost
    }
}

/// The shape of a decoder-only transformer, as a performance or memory model needs it.
public struct ModelSpec: Sendable, Hashable, Codable {
    /// Catalog name, e.g. `llama-3.1-8b`. Lookups are case-insensitive.
    public var name: String
    /// Transformer layers (blocks).
    public var layers: Int
    /// Model (residual stream) width.
    public var hiddenSize: Int
    /// Query attention heads.
    public var attentionHeads: Int
    /// Key/value heads (equal to `attentionHeads` without GQA).
    public var kvHeads: Int
    /// Width of one attention head.
    public var headDim: Int
    /// Intermediate size of a dense MLP layer.
    public var intermediateSize: Int
    /// Vocabulary size.
    public var vocabSize: Int
    /// Total parameters (all experts included), as published.
    public var parameterCount: Double
    /// Bytes per stored weight (2 for bf16, 1 for fp8, 0.5 for 4-bit).
    public var bytesPerParameter: Double
    /// Bytes per cached key/value element (2 for a bf16 cache).
    public var kvBytesPerElement: Double
    /// How attention caches keys and values.
    public var attention: AttentionKind
    /// The MoE structure, nil for a dense model.
    public var moe: MoESpec?

    /// Creates a model specification; values are not validated here (see `Catalog.validate`).
    public init(
        name: String, layers: Int, hiddenSize: Int, attentionHeads: Int, kvHeads: Int, headDim: Int,
        intermediateSize: Int, vocabSize: Int, parameterCount: Double, bytesPerParameter: Double = 2,
        kvBytesPerElement: Double = 2, attention: AttentionKind = .groupedQuery, moe: MoESpec? = nil
    ) {
        self.name = name
        self.layers = layers
        self.hiddenSize = hiddenSize
        self.attentionHeads = attentionHeads
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.intermediateSize = intermediateSize
        self.vocabSize = vocabSize
        self.parameterCount = parameterCount
        self.bytesPerParameter = bytesPerParameter
        self.kvBytesPerElement = kvBytesPerElement
        self.attention = attention
        self.moe = moe
    }

    /// Bytes of all weights.
    public var parameterBytes: Double { parameterCount * bytesPerParameter }

    /// Bytes of KV cache one token occupies across all layers.
    public var kvCacheBytesPerToken: Double {
        switch attention {
        case .groupedQuery:
            return Double(2 * layers * kvHeads * headDim) * kvBytesPerElement
        case let .multiHeadLatent(kvLoraRank, ropeHeadDim):
            return Double(layers * (kvLoraRank + ropeHeadDim)) * kvBytesPerElement
        }
    }
}
