/// Iteration time from first principles: FLOPs and bytes of every operation from the model's
/// shape, the GPU's datasheet peaks, and efficiency factors fitted to measured kernels.
///
/// Per layer and iteration (all on one GPU of a TP group, which holds 1/TP of every weight and of
/// the query heads): the fused QKV projection, the attention of the prefill chunk and of the
/// decode streams, the output projection, the MLP (gate/up and down; for an MoE layer only the
/// experts some token is routed to are read, at most min(tokens × top-k, experts)), the
/// element-wise kernels, and with TP > 1 two ring all-reduces of the hidden states; once per
/// iteration the LM head. Each operation costs `RooflineEfficiency.seconds(for:on:)`, a roofline of
/// its FLOPs and bytes plus fixed kernel costs. `breakdown(_:)` lists the operations.
///
/// Pipeline parallelism: layers are split over the stages as evenly as possible (earlier stages
/// take the extra layer; dense layers of an MoE model come first, as in DeepSeek), the LM head runs
/// on the last stage, and the hidden states cross each stage boundary as one point-to-point
/// transfer. The iteration time is the SUM of the stage times plus the (PP − 1) transfers: one
/// batch flows through every stage before its tokens exist, and `IterationTimeModel` advances a
/// replica one batch at a time, so that is the batch's latency. Engines that keep PP micro-batches
/// in flight get up to PP times the throughput of this figure (bounded by the slowest stage in
/// `stageSeconds(_:)`); the simulator cannot express overlapping batches through this protocol,
/// so we choose the conservative latency, under which PP never looks faster than TP for one batch.
///
/// Assumptions, all documented where used: bf16 activations; a batch's prefill tokens form one
/// chunk of one request (`BatchShape` does not say how many prompts share an iteration, so
/// several short prompts are charged a longer causal attention than they need); logits are
/// computed for each decode stream and for the last token of the prefill chunk; TP and PP groups
/// of up to `gpusPerNode` GPUs use NVLink, larger ones the network; MoE routing is uniform.
public struct RooflineModel: IterationTimeModel {
    /// The model served.
    public let model: ModelSpec
    /// The GPU type of every GPU of the replica.
    public let gpu: GPUSpec
    /// TP and PP degrees.
    public let layout: ParallelLayout
    /// Efficiency factors and fixed costs.
    public let efficiency: RooflineEfficiency
    /// The same factors with the divisions done once for this GPU.
    private let resolved: ResolvedRoofline

    /// GPUs per node (DGX/HGX): TP groups and pipelines up to this size stay on NVLink.
    public static let gpusPerNode = 8

    /// Creates the model of one replica; `layout` is assumed valid for `model`
    /// (see `ParallelLayout.shapeProblem(for:)`).
    public init(model: ModelSpec, gpu: GPUSpec, layout: ParallelLayout, efficiency: RooflineEfficiency = .default) {
        self.model = model
        self.gpu = gpu
        self.layout = layout
        self.efficiency = efficiency
        resolved = ResolvedRoofline(efficiency, gpu: gpu)
    }

    /// Seconds for one iteration of `batch`: the sum of `breakdown(batch)`; 0 for an empty batch.
    /// Allocation-free, since the simulator calls it once per iteration.
    public func iterationSeconds(_ batch: BatchShape) -> Double {
        var total = 0.0
        let resolved = resolved  // captured alone, so the closure does not copy the whole model
        forEachOperation(batch) { _, work, calls in
            total += resolved.seconds(work) * Double(calls)
        }
        return total
    }

    /// The operations of one iteration of `batch`, in execution order within a layer, each with
    /// its work and time per call on one GPU and its number of calls along the critical path.
    /// Empty for an empty batch.
    public func breakdown(_ batch: BatchShape) -> [OperationTime] {
        var entries: [OperationTime] = []
        forEachOperation(batch) { operation, work, calls in
            let seconds = resolved.seconds(work)
            entries.append(OperationTime(operation: operation, work: work, secondsPerCall: seconds, calls: calls))
        }
        return entries
    }

    /// Visits every operation of one iteration with its work per call and its call count (> 0).
    private func forEachOperation(_ batch: BatchShape, _ visit: (RooflineOperation, OperationWork, Int) -> Void) {
        guard !batch.isEmpty else { return }
        let tokens = Double(batch.prefillTokens + batch.decodeStreams)
        let layers = layerCounts
        func add(_ operation: RooflineOperation, _ work: @autoclosure () -> OperationWork, calls: Int) {
            guard calls > 0 else { return }
            visit(operation, work(), calls)
        }
        add(.qkvProjection, qkvProjectionWork(tokens: tokens), calls: model.layers)
        if batch.prefillTokens > 0 {
            let work = prefillAttentionWork(batch, chargesCall: batch.decodeStreams == 0)
            add(.prefillAttention, work, calls: model.layers)
        }
        if batch.decodeStreams > 0 {
            let work = decodeAttentionWork(streams: Double(batch.decodeStreams), contextTokens: Double(batch.decodeContextTokens))
            add(.decodeAttention, work, calls: model.layers)
        }
        add(.outputProjection, outputProjectionWork(tokens: tokens), calls: model.layers)
        add(.mlpGateUp, mlpGateUpWork(tokens: tokens), calls: layers.dense)
        add(.mlpDown, mlpDownWork(tokens: tokens), calls: layers.dense)
        add(.expertGateUp, expertGateUpWork(tokens: tokens), calls: layers.moe)
        add(.expertDown, expertDownWork(tokens: tokens), calls: layers.moe)
        add(.elementwise, elementwiseWork(tokens: tokens), calls: model.layers)
        if layout.tensorParallel > 1 {
            add(.tensorParallelAllReduce, allReduceWork(messageBytes: hiddenStateBytes(tokens: tokens), ranks: layout.tensorParallel),
                calls: 2 * model.layers)
        }
        let logitRows = Double(batch.decodeStreams + (batch.prefillTokens > 0 ? 1 : 0))
        add(.lmHead, lmHeadWork(rows: logitRows), calls: 1)
        add(.pipelineTransfer, pipelineTransferWork(messageBytes: hiddenStateBytes(tokens: tokens)),
            calls: layout.pipelineParallel - 1)
    }

    /// Seconds each pipeline stage spends on `batch`, first stage first (transfers between stages
    /// excluded). `iterationSeconds` is their sum plus the PP − 1 transfers; with micro-batches in
    /// flight, the largest entry bounds the interval between finished batches.
    public func stageSeconds(_ batch: BatchShape) -> [Double] {
        let stages = layout.pipelineParallel
        var seconds = Array(repeating: 0.0, count: stages)
        let operations = breakdown(batch)
        guard !operations.isEmpty else { return seconds }
        let split = stageLayerCounts
        for stage in 0..<stages {
            for entry in operations {
                seconds[stage] += entry.secondsPerCall * Double(callsInStage(entry.operation, split[stage], isLast: stage == stages - 1))
            }
        }
        return seconds
    }

    /// Layers of each kind: MoE layers use the expert operations, the others the dense MLP.
    var layerCounts: (dense: Int, moe: Int) {
        let moe = min(max(model.moe?.moeLayers ?? 0, 0), model.layers)
        return (model.layers - moe, moe)
    }

    /// Dense and MoE layers of each pipeline stage: layers split as evenly as possible (earlier
    /// stages take one extra), dense layers first.
    var stageLayerCounts: [(dense: Int, moe: Int)] {
        let stages = layout.pipelineParallel
        var denseLeft = layerCounts.dense
        return (0..<stages).map { stage in
            let count = model.layers / stages + (stage < model.layers % stages ? 1 : 0)
            let dense = min(denseLeft, count)
            denseLeft -= dense
            return (dense, count - dense)
        }
    }

    /// Calls of `operation` that a stage holding `layers` makes in one iteration.
    private func callsInStage(_ operation: RooflineOperation, _ layers: (dense: Int, moe: Int), isLast: Bool) -> Int {
        switch operation {
        case .qkvProjection, .prefillAttention, .decodeAttention, .outputProjection, .elementwise:
            return layers.dense + layers.moe
        case .mlpGateUp, .mlpDown:
            return layers.dense
        case .expertGateUp, .expertDown:
            return layers.moe
        case .tensorParallelAllReduce:
            return 2 * (layers.dense + layers.moe)
        case .lmHead:
            return isLast ? 1 : 0
        case .pipelineTransfer:
            return 0
        }
    }
}

/// One operation kind of an iteration, as `RooflineModel.breakdown(_:)` lists it.
public enum RooflineOperation: String, Sendable, Hashable, CaseIterable, Codable {
    /// Fused query/key/value projection (for MLA, the low-rank query and KV projections).
    case qkvProjection
    /// Causal attention of the prefill chunk over its cached context and itself.
    case prefillAttention
    /// Attention of every decode stream's new token over its whole context (reads its KV cache).
    case decodeAttention
    /// Attention output projection.
    case outputProjection
    /// Dense MLP gate and up projections (one matrix for a plain 2-matrix MLP).
    case mlpGateUp
    /// Dense MLP down projection.
    case mlpDown
    /// MoE router plus the gate and up projections of the shared and routed-to experts.
    case expertGateUp
    /// Down projections of the shared and routed-to experts.
    case expertDown
    /// Norms, rotary embedding, activation and residual adds (4 fused kernels, as in vLLM).
    case elementwise
    /// Vocabulary projection for the rows that need logits.
    case lmHead
    /// Ring all-reduce of the hidden states within the TP group (two per layer).
    case tensorParallelAllReduce
    /// Hidden states sent from one pipeline stage to the next.
    case pipelineTransfer
}

/// The time one operation takes in one iteration.
public struct OperationTime: Sendable, Hashable {
    /// Which operation.
    public var operation: RooflineOperation
    /// Its work per call on one GPU.
    public var work: OperationWork
    /// Seconds per call.
    public var secondsPerCall: Double
    /// Calls per iteration along the critical path (e.g. one per layer).
    public var calls: Int

    /// Creates an entry.
    public init(operation: RooflineOperation, work: OperationWork, secondsPerCall: Double, calls: Int) {
        self.operation = operation
        self.work = work
        self.secondsPerCall = secondsPerCall
        self.calls = calls
    }

    /// Seconds per iteration: `secondsPerCall × calls`.
    public var seconds: Double { secondsPerCall * Double(calls) }
}
