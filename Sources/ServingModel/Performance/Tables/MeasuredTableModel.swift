/// Iteration time summed from measured per-operation tables (Vidur's profile, aiconfigurator's
/// perf-DB), interpolated with `PiecewiseLinear` rules (exact at grid points, linear between,
/// clamped below the grid, extrapolated from the last two points above it).
///
/// One iteration of a replica with `L` layers (all pipeline stages together, as `RooflineModel`
/// charges them: one batch crosses every stage before its tokens exist) costs
///
///     L × [ linear(T) + prefillAttention + decodeAttention + a × allReduce(T × h × 2 bytes) ]
///       + once(T) + lmHead + (PP − 1) × sendRecv(T × h × 2 bytes) + hostOverhead
///
/// with `T` the iteration's tokens (prefill chunks + one per decode stream), `h` the hidden size and
/// `a` = 2 all-reduces per layer when TP > 1 (after attention and after the MLP). `linear(T)` is the
/// sum of one layer's token-count tables (QKV and output projections, MLP up and down, activation,
/// both norms, rotary embedding, residual adds, KV-cache write), merged into one curve when the
/// model is built. Prefill attention of `n` chunks is `n × prefill(c, k)` for the equal-chunk
/// equivalent `c = √(Σc²/n)`, `k = Σ(c·k) / (n·c)`, which keeps Σc² and the attention's causal
/// pairs Σ c·(k + c/2) exact and is exact for one chunk or equal chunks (`BatchShape` carries the
/// sums, not the chunks). Decode attention is `decode(b, Σcontext / b)` for `b` streams.
///
/// `TableLookup.vidur` reproduces Vidur 0.0.26's lookups instead (see there). Build one with
/// `MeasuredProfile.model(...)`; its curves are precomputed for the replica's layout, so
/// `iterationSeconds` does a handful of binary searches and no allocation.
public struct MeasuredTableModel: IterationTimeModel {
    /// Layers of the model (all stages).
    let layers: Int
    /// Seconds of one layer's token-count operations, by tokens in the iteration.
    let linear: PiecewiseLinear
    /// Seconds of once-per-iteration token-count operations (the embedding), by tokens.
    let once: PiecewiseLinear?
    /// Token-count operations the tables lack, charged by the roofline (per layer), e.g. the
    /// element-wise kernels of an aiconfigurator profile.
    let rooflineLinear: [RooflineOperation]
    /// Seconds of one prefill chunk's attention in one layer, by (chunk, cached context).
    let prefillAttention: PiecewiseLinearSurface
    /// Seconds of one layer's decode attention, by (streams, mean context per stream).
    let decodeAttention: PiecewiseLinearSurface
    /// One all-reduce by message bytes (nil at TP 1).
    let allReduce: CommunicationCost?
    /// One stage-to-stage transfer by message bytes (nil at PP 1).
    let sendRecv: CommunicationCost?
    /// The LM head from the tables (aiconfigurator GEMM), by logit rows; nil: from `roofline`.
    let lmHead: PiecewiseLinear?
    /// The roofline of the same replica, for the operations no table measures.
    let roofline: RooflineModel
    /// How batches are looked up.
    let lookup: TableLookup
    /// Bytes of one token's hidden state (bf16).
    let hiddenBytesPerToken: Double
    /// Seconds of host (CPU) work per iteration.
    public let hostOverheadSeconds: Double
    /// True when `prefillAttention` is by (prompts, fresh prompt length) (aiconfigurator's context
    /// table): a chunk c after k cached tokens is looked up as one fresh prompt of √(c² + 2ck)
    /// tokens, which has the same causal pairs c(k + c/2).
    var prefillAsFreshPrompt = false

    /// Seconds for one iteration of `batch`; 0 for an empty batch.
    public func iterationSeconds(_ batch: BatchShape) -> Double {
        guard !batch.isEmpty else { return 0 }
        switch lookup {
        case .interpolate: return interpolatedSeconds(batch)
        case .vidur: return vidurSeconds(batch)
        }
    }

    /// The default lookup (see the type's documentation).
    private func interpolatedSeconds(_ batch: BatchShape) -> Double {
        let tokens = Double(batch.prefillTokens + batch.decodeStreams)
        var layer = linearLayerSeconds(tokens: tokens)
        if batch.prefillChunks > 0 {
            let chunks = Double(batch.prefillChunks)
            let chunk = (Double(batch.prefillSquaredTokens) / chunks).squareRoot()
            let context = Double(batch.prefillContextProductTokens) / (chunks * chunk)
            layer += chunks * prefillChunkSeconds(chunk: chunk, context: context)
        }
        if batch.decodeStreams > 0 {
            let streams = Double(batch.decodeStreams)
            layer += decodeAttention(streams, Double(batch.decodeContextTokens) / streams)
        }
        let message = tokens * hiddenBytesPerToken
        if let allReduce { layer += 2 * allReduce.seconds(bytes: message) }
        var total = Double(layers) * layer + (once?(tokens) ?? 0)
        total += lmHeadSeconds(rows: Double(batch.decodeStreams + batch.prefillChunks))
        if let sendRecv { total += Double(roofline.layout.pipelineParallel - 1) * sendRecv.seconds(bytes: message) }
        return total + hostOverheadSeconds
    }

    /// Vidur 0.0.26's lookups (see `TableLookup.vidur`).
    private func vidurSeconds(_ batch: BatchShape) -> Double {
        let tokens = Double((batch.prefillTokens + batch.decodeStreams + 7) / 8 * 8)
        var layer = linear(tokens)
        if batch.prefillChunks > 0 {
            let chunks = Double(batch.prefillChunks)
            let chunk = (Double(batch.prefillSquaredTokens) / chunks).squareRoot()
            let context = Double(batch.prefillContextProductTokens) / (chunks * chunk)
            let roundedChunk = (chunk / 32).rounded(.up) * 32
            let roundedKV = ((context + chunk) / 256).rounded(.up) * 256
            layer += chunks * prefillAttention(roundedChunk, roundedKV)
        }
        if batch.decodeStreams > 0 {
            let streams = batch.decodeStreams
            let mean = (batch.decodeContextTokens + streams) / streams
            let rounded = Double((mean + 255) / 256 * 256)
            let overhead = streams > 1 && roofline.model.kvHeads < roofline.model.attentionHeads ? 1.1 : 1
            layer += decodeAttention(Double(streams), rounded) * overhead
        }
        let message = tokens * hiddenBytesPerToken
        if let allReduce { layer += 2 * allReduce.seconds(bytes: message) }
        var total = Double(layers) * layer
        if let sendRecv { total += Double(roofline.layout.pipelineParallel - 1) * sendRecv.seconds(bytes: message) }
        return total + hostOverheadSeconds
    }

    /// One layer's token-count operations at `tokens` (the table's, plus the roofline's for those
    /// the table lacks).
    @inline(__always)
    func linearLayerSeconds(tokens: Double) -> Double {
        var total = linear(tokens)
        for operation in rooflineLinear {
            if let work = roofline.perTokenWork(operation, tokens: tokens) {
                total += roofline.efficiency.seconds(for: work, on: roofline.gpu)
            }
        }
        return total
    }

    /// One prefill chunk's attention in one layer (`interpolate` lookup).
    @inline(__always)
    func prefillChunkSeconds(chunk: Double, context: Double) -> Double {
        prefillAsFreshPrompt ? prefillAttention(1, (chunk * chunk + 2 * chunk * context).squareRoot()) : prefillAttention(chunk, context)
    }

    @inline(__always)
    private func lmHeadSeconds(rows: Double) -> Double {
        if let lmHead { return lmHead(rows) }
        return roofline.efficiency.seconds(for: roofline.lmHeadWork(rows: rows), on: roofline.gpu)
    }
}

/// How `MeasuredTableModel` turns a batch into table look-ups.
public enum TableLookup: String, Sendable, Hashable, CaseIterable {
    /// Interpolate every table at the batch's exact shape; charge every operation the engine runs
    /// (both residual adds, the KV-cache write, the embedding and the LM head).
    case interpolate
    /// Vidur 0.0.26's choices, to compare like for like with it (its
    /// `sklearn_execution_time_predictor.py` and `entities/execution_time.py`): tokens rounded up
    /// to a multiple of 8 for every token-count table; decode attention at the floored mean of
    /// (context + 1) (Vidur counts the token being processed) rounded UP to a multiple of 256, times
    /// 1.1 when more than one stream decodes on a grouped-query model;
    /// prefill attention looked up at a KV size that INCLUDES the chunk itself, rounded up to 256,
    /// and the chunk rounded up to 32; one residual add per layer (the model has two); no KV-cache
    /// write, no embedding, no LM head; 0.02 ms of CPU launch per all-reduce
    /// (`nccl_cpu_launch_overhead_ms`). Between grid points it still interpolates linearly, where
    /// Vidur predicts with a random forest trained on the same rows (a bootstrap-averaged step
    /// function, within a few percent of the rows at grid points). Vidur sums prefill attention
    /// over the prompts; from `BatchShape`'s sums this looks up n equal chunks of √(Σc²/n) tokens,
    /// exact for one prompt or equal prompts and for the quadratic part of the cost otherwise.
    case vidur
}
