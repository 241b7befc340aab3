// Parameter counts derived from a model's shape, to sanity-check catalog entries and to size FLOPs.
//
// The estimate counts only the weight matrices; biases, normalisation weights and rotary tables are
// left out (they are well under 0.1% of any catalog model). Assumptions that `ModelSpec` cannot express:
//
// - Embeddings: an input embedding and an UNTIED LM head, 2 × vocab × hidden. Models that tie them
//   (in the built-in catalog: qwen3-4b and bloom-176b) are over-estimated by one vocab × hidden matrix
//   (about 10% for Qwen3-4B, 2% for BLOOM).
// - Grouped-query attention: q and o are hidden × (heads × headDim); k and v are
//   hidden × (kvHeads × headDim). headDim is taken from the spec, so Qwen3's explicit head_dim works.
// - Multi-head latent attention (DeepSeek-V2/V3), from the spec's headDim (= nope + rope query/key
//   width), ropeHeadDim and kvLoraRank, assuming v_head_dim = qk_nope_head_dim and a low-rank query
//   with q_lora_rank = 3 × kvLoraRank (both hold for DeepSeek-V2 and V3: 128/128 and 1536 = 3 × 512):
//     q:  hidden × qRank + qRank × heads × headDim
//     kv: hidden × (kvLoraRank + ropeHeadDim) + kvLoraRank × heads × (nope + v)
//     o:  heads × v × hidden
//   This reproduces DeepSeek-V3's attention exactly; a model without a low-rank query (V2-Lite) is
//   under-estimated.
// - Dense MLP: gated (SwiGLU: gate, up, down), 3 × hidden × intermediate. Exception: a plain
//   2-matrix GELU MLP (BLOOM, GPT/OPT style) is recognised by the rule "multi-head attention
//   (kvHeads == heads), not MoE, intermediate == 4 × hidden"; it counts 2 × hidden × intermediate.
//   This is a heuristic: a gated MHA model that happens to use exactly 4 × hidden would be
//   under-estimated by a third of its MLP.
// - MoE layers: (routed + shared) experts, each a gated MLP of 3 × hidden × expertIntermediateSize,
//   plus a hidden × routedExperts router; the remaining `layers - moeLayers` layers use the dense MLP.
//   Shared experts are counted at `expertIntermediateSize` (DeepSeek's layout, where
//   `n_shared_experts` multiplies the per-expert width).

extension ModelSpec {
    /// Total parameters estimated from the shape (all experts included), for checking `parameterCount`.
    ///
    /// Counts the embedding and an untied LM head, the attention projections (GQA or MLA shapes),
    /// the dense or MoE MLP of every layer and the MoE routers; biases and norms are ignored. Tied
    /// embeddings (e.g. Qwen3-4B, BLOOM) are over-counted by `vocabSize × hiddenSize`, and the MLA
    /// query rank is assumed to be 3 × `kvLoraRank` (true for DeepSeek-V2/V3). See the file header
    /// for every assumption.
    public var estimatedParameterCount: Double {
        ParameterCountEstimate.total(self, activeOnly: false)
    }

    /// Parameters one token passes through: like `estimatedParameterCount`, but an MoE layer counts
    /// only its shared experts and the top-k routed experts (plus the router) instead of all routed
    /// experts. Equal to `estimatedParameterCount` for a dense model.
    ///
    /// Matmul FLOPs per token are about `2 × activeParameterCount` (plus attention over the context).
    /// The input-embedding lookup is included here, as published "active parameter" figures do,
    /// although it costs no FLOPs; it is `vocabSize × hiddenSize`.
    public var activeParameterCount: Double {
        ParameterCountEstimate.total(self, activeOnly: true)
    }
}

/// The pieces of the estimate, kept out of `ModelSpec`'s own namespace.
private enum ParameterCountEstimate {
    static func total(_ model: ModelSpec, activeOnly: Bool) -> Double {
        embedding(model) + Double(model.layers) * attentionPerLayer(model) + mlp(model, activeOnly: activeOnly)
    }

    /// Input embedding plus an untied LM head.
    static func embedding(_ model: ModelSpec) -> Double {
        2 * Double(model.vocabSize) * Double(model.hiddenSize)
    }

    /// Weights of one layer's attention projections.
    static func attentionPerLayer(_ model: ModelSpec) -> Double {
        let hidden = Double(model.hiddenSize)
        let heads = Double(model.attentionHeads)
        switch model.attention {
        case .groupedQuery:
            let qWidth = heads * Double(model.headDim)
            let kvWidth = Double(model.kvHeads) * Double(model.headDim)
            return hidden * qWidth  // q
                + 2 * hidden * kvWidth  // k, v
                + qWidth * hidden  // o
        case let .multiHeadLatent(kvLoraRank, ropeHeadDim):
            let rank = Double(kvLoraRank)
            let rope = Double(ropeHeadDim)
            let nope = Double(max(model.headDim - ropeHeadDim, 0))
            let valueDim = nope  // v_head_dim assumed equal to qk_nope_head_dim
            let qRank = 3 * rank  // q_lora_rank assumed 3 × kv_lora_rank
            let query = hidden * qRank + qRank * heads * Double(model.headDim)
            let keyValue = hidden * (rank + rope) + rank * heads * (nope + valueDim)
            let output = heads * valueDim * hidden
            return query + keyValue + output
        }
    }

    /// Whether the dense MLP looks like a plain 2-matrix GELU MLP (BLOOM, GPT, OPT) rather than a gated one.
    static func usesPlainTwoMatrixMLP(_ model: ModelSpec) -> Bool {
        model.moe == nil && model.kvHeads == model.attentionHeads && model.intermediateSize == 4 * model.hiddenSize
    }

    /// MLP (and router) weights of all layers; with `activeOnly`, only what one token uses.
    static func mlp(_ model: ModelSpec, activeOnly: Bool) -> Double {
        let hidden = Double(model.hiddenSize)
        let denseMatrices: Double = usesPlainTwoMatrixMLP(model) ? 2 : 3
        let denseMLP = denseMatrices * hidden * Double(model.intermediateSize)
        guard let moe = model.moe else {
            return Double(model.layers) * denseMLP
        }
        let moeLayers = min(max(moe.moeLayers, 0), model.layers)
        let denseLayers = model.layers - moeLayers
        let expert = 3 * hidden * Double(moe.expertIntermediateSize)
        let router = hidden * Double(moe.routedExperts)
        let routed = Double(activeOnly ? min(moe.expertsPerToken, moe.routedExperts) : moe.routedExperts)
        let moeLayer = (routed + Double(moe.sharedExperts)) * expert + router
        return Double(denseLayers) * denseMLP + Double(moeLayers) * moeLayer
    }
}
