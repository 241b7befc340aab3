import Foundation

// The work (FLOPs, bytes, kernels) of each operation of one layer on one GPU of a TP group.
//
// Conventions: `tokens` is every token of the iteration (prefill chunk + one per decode stream);
// weights are per GPU (1/TP of each matrix, except the small replicated MLA down-projections);
// activations are bf16 (2 bytes), weights `model.bytesPerParameter`, the KV cache
// `model.kvBytesPerElement`. Weight shapes follow ModelSpec+ParameterCount.swift (same assumptions:
// gated SwiGLU MLP unless the plain-MLP rule applies, MLA with q_lora_rank = 3 × kv_lora_rank and
// v_head_dim = headDim − ropeHeadDim).

extension RooflineModel {
    /// Bytes per activation element (bf16).
    static let activationBytes = 2.0

    private var tensorParallel: Double { Double(layout.tensorParallel) }
    private var hidden: Double { Double(model.hiddenSize) }

    /// Query heads on one GPU.
    var queryHeadsPerGPU: Double { Double(model.attentionHeads) / tensorParallel }

    /// KV heads on one GPU: KV heads split over TP ranks, or one replicated head per rank when TP
    /// exceeds their number (vLLM's rule). MLA's single latent is replicated on every rank.
    var kvHeadsPerGPU: Double {
        switch model.attention {
        case .groupedQuery: return max(Double(model.kvHeads) / tensorParallel, 1)
        case .multiHeadLatent: return 1
        }
    }

    /// Per query head: width of the query-key dot product and of the value vector, for prefill
    /// (MLA expands the latent) or decode (MLA attends in the latent space, weights absorbed).
    func attentionWidths(decode: Bool) -> (queryKey: Double, value: Double) {
        switch model.attention {
        case .groupedQuery:
            return (Double(model.headDim), Double(model.headDim))
        case let .multiHeadLatent(kvLoraRank, ropeHeadDim):
            if decode { return (Double(kvLoraRank + ropeHeadDim), Double(kvLoraRank)) }
            return (Double(model.headDim), Double(model.headDim - ropeHeadDim))
        }
    }

    /// KV-cache bytes of one token in one layer on one GPU.
    var kvBytesPerTokenPerGPU: Double {
        switch model.attention {
        case .groupedQuery:
            return 2 * kvHeadsPerGPU * Double(model.headDim) * model.kvBytesPerElement
        case let .multiHeadLatent(kvLoraRank, ropeHeadDim):
            return Double(kvLoraRank + ropeHeadDim) * model.kvBytesPerElement
        }
    }

    /// Bytes of the hidden states of `tokens` tokens (all-reduce and pipeline messages).
    func hiddenStateBytes(tokens: Double) -> Double {
        tokens * hidden * Self.activationBytes
    }

    /// One matmul kernel: `rows` activations through `weights` elements (inWidth × outWidth).
    private func matmul(rows: Double, weights: Double, inWidth: Double, outWidth: Double) -> OperationWork {
        var work = OperationWork()
        work.gemmFLOPs = 2 * rows * weights
        work.memoryBytes = weights * model.bytesPerParameter + rows * (inWidth + outWidth) * Self.activationBytes
        work.kernels = 1
        return work
    }

    /// The work of `operation` when its cost depends only on the iteration's token count (the
    /// projections, MLP, experts and element-wise kernels); nil for the other operations.
    func perTokenWork(_ operation: RooflineOperation, tokens: Double) -> OperationWork? {
        switch operation {
        case .qkvProjection: return qkvProjectionWork(tokens: tokens)
        case .outputProjection: return outputProjectionWork(tokens: tokens)
        case .mlpGateUp: return mlpGateUpWork(tokens: tokens)
        case .mlpDown: return mlpDownWork(tokens: tokens)
        case .expertGateUp: return expertGateUpWork(tokens: tokens)
        case .expertDown: return expertDownWork(tokens: tokens)
        case .elementwise: return elementwiseWork(tokens: tokens)
        case .prefillAttention, .decodeAttention, .lmHead, .tensorParallelAllReduce, .pipelineTransfer: return nil
        }
    }

    func qkvProjectionWork(tokens: Double) -> OperationWork {
        switch model.attention {
        case .groupedQuery:
            let outWidth = (queryHeadsPerGPU + 2 * kvHeadsPerGPU) * Double(model.headDim)
            return matmul(rows: tokens, weights: hidden * outWidth, inWidth: hidden, outWidth: outWidth)
        case let .multiHeadLatent(kvLoraRank, ropeHeadDim):
            let rank = Double(kvLoraRank), rope = Double(ropeHeadDim)
            let queryRank = 3 * rank
            let nope = Double(model.headDim - ropeHeadDim)
            let replicated = hidden * queryRank + hidden * (rank + rope)
            let split = queryHeadsPerGPU * (queryRank * Double(model.headDim) + rank * 2 * nope)
            let weights = replicated + split
            return matmul(rows: tokens, weights: weights, inWidth: hidden, outWidth: weights / hidden)
        }
    }

    func outputProjectionWork(tokens: Double) -> OperationWork {
        let inWidth = queryHeadsPerGPU * attentionWidths(decode: false).value
        return matmul(rows: tokens, weights: inWidth * hidden, inWidth: inWidth, outWidth: hidden)
    }

    /// Whether the dense MLP is a plain 2-matrix one (the rule of ModelSpec+ParameterCount.swift).
    private var usesPlainMLP: Bool {
        model.moe == nil && model.kvHeads == model.attentionHeads && model.intermediateSize == 4 * model.hiddenSize
    }

    private var denseWidthPerGPU: Double { Double(model.intermediateSize) / tensorParallel }

    func mlpGateUpWork(tokens: Double) -> OperationWork {
        let outWidth = (usesPlainMLP ? 1 : 2) * denseWidthPerGPU
        return matmul(rows: tokens, weights: hidden * outWidth, inWidth: hidden, outWidth: outWidth)
    }

    func mlpDownWork(tokens: Double) -> OperationWork {
        matmul(rows: tokens, weights: denseWidthPerGPU * hidden, inWidth: denseWidthPerGPU, outWidth: hidden)
    }

    /// Expected distinct routed experts that `tokens` tokens hit under uniform top-k routing,
    /// E·(1 − (1 − k/E)^tokens): at most min(tokens × k, E), and E for large batches.
    func activeRoutedExperts(tokens: Double) -> Double {
        guard let moe = model.moe, moe.routedExperts > 0 else { return 0 }
        let experts = Double(moe.routedExperts)
        let perToken = Double(min(moe.expertsPerToken, moe.routedExperts))
        let expected = experts * (1 - Foundation.pow(1 - perToken / experts, tokens))
        return min(expected, tokens * perToken, experts)
    }

    /// Expert intermediate width on one GPU, experts per token (top-k + shared), and experts read.
    private func expertShape(tokens: Double) -> (width: Double, perToken: Double, read: Double) {
        guard let moe = model.moe else { return (0, 0, 0) }
        let width = Double(moe.expertIntermediateSize) / tensorParallel
        let perToken = Double(min(moe.expertsPerToken, moe.routedExperts) + moe.sharedExperts)
        return (width, perToken, activeRoutedExperts(tokens: tokens) + Double(moe.sharedExperts))
    }

    func expertGateUpWork(tokens: Double) -> OperationWork {
        let expert = expertShape(tokens: tokens)
        let router = hidden * Double(model.moe?.routedExperts ?? 0)
        let perExpert = hidden * 2 * expert.width
        let cost = model.moe?.kernelCost
        var work = OperationWork()
        work.gemmFLOPs = 2 * tokens * (expert.perToken * perExpert + router)
        work.memoryBytes = (expert.read * perExpert * (cost?.weightTrafficFactor ?? 1) + router) * model.bytesPerParameter
            + tokens * (hidden + expert.perToken * 2 * expert.width) * Self.activationBytes
        work.kernels = 2  // router, grouped expert GEMM
        work.addedSeconds = cost?.fixedSecondsPerLayer ?? 0
        return work
    }

    func expertDownWork(tokens: Double) -> OperationWork {
        let expert = expertShape(tokens: tokens)
        let perExpert = expert.width * hidden
        var work = OperationWork()
        work.gemmFLOPs = 2 * tokens * expert.perToken * perExpert
        work.memoryBytes = expert.read * perExpert * (model.moe?.kernelCost?.weightTrafficFactor ?? 1) * model.bytesPerParameter
            + tokens * (expert.perToken * expert.width + hidden) * Self.activationBytes
        work.kernels = 1
        return work
    }

    /// Causal attention of the prefill chunks of `batch`: query i of a chunk attends to its
    /// prompt's cached context and to chunk tokens 1…i (Σ chunk × (context + (chunk + 1) / 2) pairs).
    /// `chargesCall` is false when the same kernel call also serves decode streams (vLLM runs a
    /// mixed batch's attention as one call), so its fixed cost is charged once.
    func prefillAttentionWork(_ batch: BatchShape, chargesCall: Bool) -> OperationWork {
        let widths = attentionWidths(decode: false)
        let perPair = 2 * (widths.queryKey + widths.value) * queryHeadsPerGPU
        let queries = Double(batch.prefillTokens)
        let pairs = Double(batch.prefillContextProductTokens) + (Double(batch.prefillSquaredTokens) + queries) / 2
        var work = OperationWork()
        work.attentionFLOPs = perPair * pairs
        work.attentionQueryUnitFLOPs = perPair * queries
        let queryAndOutput = queries * queryHeadsPerGPU * (widths.queryKey + widths.value) * Self.activationBytes
        let cacheReadAndWrite = Double(batch.prefillContextTokens + 2 * batch.prefillTokens) * kvBytesPerTokenPerGPU
        work.memoryBytes = queryAndOutput + cacheReadAndWrite
        work.attentionCalls = chargesCall ? 1 : 0
        return work
    }

    /// Attention of `streams` decode tokens, whose contexts total `contextTokens`: every stream
    /// reads its whole KV cache once and writes one new entry.
    func decodeAttentionWork(streams: Double, contextTokens: Double) -> OperationWork {
        let widths = attentionWidths(decode: true)
        let perPair = 2 * (widths.queryKey + widths.value) * queryHeadsPerGPU
        var work = OperationWork()
        work.attentionFLOPs = perPair * contextTokens
        let queryAndOutput = streams * queryHeadsPerGPU * (widths.queryKey + widths.value) * Self.activationBytes
        work.memoryBytes = queryAndOutput + (contextTokens + streams) * kvBytesPerTokenPerGPU
        work.decodeStreamUnitBytes = streams * kvBytesPerTokenPerGPU
        work.attentionCalls = 1
        return work
    }

    /// vLLM's four element-wise kernels of a layer: two fused residual-add + RMSNorm (each reads
    /// and writes the hidden state and the residual), rotary embedding of queries and keys (read
    /// and write), and SiLU-and-multiply (reads gate and up, writes one). An MoE model is charged
    /// its MoE layers' activation width on every layer.
    func elementwiseWork(tokens: Double) -> OperationWork {
        let rotaryWidth: Double
        switch model.attention {
        case .groupedQuery:
            rotaryWidth = (queryHeadsPerGPU + kvHeadsPerGPU) * Double(model.headDim)
        case let .multiHeadLatent(_, ropeHeadDim):
            rotaryWidth = (queryHeadsPerGPU + 1) * Double(ropeHeadDim)
        }
        let activationWidth: Double
        if model.moe != nil {
            let expert = expertShape(tokens: tokens)
            activationWidth = 3 * expert.perToken * expert.width
        } else {
            activationWidth = (usesPlainMLP ? 2 : 3) * denseWidthPerGPU
        }
        var work = OperationWork()
        work.elementwiseBytes = tokens * (2 * 4 * hidden + 2 * rotaryWidth + activationWidth) * Self.activationBytes
        work.kernels = 4
        return work
    }

    /// The vocabulary projection (split over TP ranks by vocabulary) for `rows` rows.
    func lmHeadWork(rows: Double) -> OperationWork {
        let outWidth = Double(model.vocabSize) / tensorParallel
        return matmul(rows: rows, weights: hidden * outWidth, inWidth: hidden, outWidth: outWidth)
    }

    /// Bandwidth of links between `ranks` GPUs: NVLink within a node, the network beyond.
    private func linkBandwidth(ranks: Int) -> Double {
        ranks <= Self.gpusPerNode ? gpu.nvlinkBandwidth : gpu.networkBandwidth
    }

    /// Ring all-reduce of `messageBytes` over `ranks` GPUs: each sends 2(n−1)/n of the message.
    func allReduceWork(messageBytes: Double, ranks: Int) -> OperationWork {
        var work = OperationWork()
        work.collectives = 1
        work.linkBytes = 2 * Double(ranks - 1) / Double(ranks) * messageBytes
        work.linkBandwidth = linkBandwidth(ranks: ranks)
        return work
    }

    /// One stage-to-stage send of `messageBytes`; over the network when the replica spans nodes.
    func pipelineTransferWork(messageBytes: Double) -> OperationWork {
        var work = OperationWork()
        work.collectives = 1
        work.linkBytes = messageBytes
        work.linkBandwidth = linkBandwidth(ranks: layout.gpuCount)
        return work
    }
}
