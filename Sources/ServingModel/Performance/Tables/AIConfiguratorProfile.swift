import Foundation

/// aiconfigurator's perf-DB CSVs as shipped (e.g. `data/profiles/aiconfigurator-h200-vllm/`),
/// latencies in milliseconds; every file is found by its name's start (`gemm_`, `attention_` …
/// `context`, `attention_` … `generation`, `comm_` … `nccl`, `comm_` … `custom_allreduce`):
/// - GEMM (bf16 rows) by `m` tokens for each (`n`, `k`): the QKV, output, MLP gate/up and down
///   projections and the LM head of the replica's per-GPU shapes, bilinear between the measured
///   (n, k) around them (GEMM time is close to linear in n and k at fixed m), same outside rule as
///   `PiecewiseLinear`;
/// - context attention (FlashAttention-3, bf16 activations and KV cache, no window) by
///   (`batch_size`, `isl`) for the per-GPU query heads, KV heads and head size: fresh prompts, so a
///   chunk c after k cached tokens is looked up as a fresh prompt of √(c² + 2ck) tokens (the same
///   causal pairs c(k + c/2));
/// - generation attention by (`batch_size`, `isl + step`);
/// - NCCL all-reduce (`half`) and vLLM's custom all-reduce (`vllm_graph`, bf16) by `message_size`
///   in elements (2 bytes each), rows with `num_gpus` = TP.
/// The element-wise kernels (norms, rotary, activation, adds) are not in the perf-DB: the roofline
/// charges them. Pipeline transfers use the roofline's link model.
public struct AIConfiguratorProfile: Sendable {
    /// The directory read.
    public let directory: String
    private let gemms: [Int: [Int: PiecewiseLinear]]  // n → k → seconds by m
    private let context: [AttentionKey: PiecewiseLinearSurface]  // (batch, isl)
    private let generation: [AttentionKey: PiecewiseLinearSurface]  // (batch, context)
    private let nccl: [Int: PiecewiseLinear]  // num_gpus → seconds by bytes
    private let custom: [Int: PiecewiseLinear]

    struct AttentionKey: Hashable, Sendable {
        var heads: Int, kvHeads: Int, headDim: Int
    }

    /// Reads and checks every file.
    public init(directory: String) throws(ProfileError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ProfileError("profile directory '\(directory)' not found")
        }
        self.directory = directory
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        func file(_ prefix: String, _ infix: String) throws(ProfileError) -> ProfileTable {
            guard let name = names.first(where: { $0.hasPrefix(prefix) && (infix.isEmpty || $0.contains(infix)) && $0.hasSuffix(".csv") }) else {
                throw ProfileError("no \(prefix)*\(infix)*.csv in \(directory)")
            }
            return try ProfileTable.read(directory, name)
        }
        gemms = try Self.readGEMMs(try file("gemm_", ""))
        context = try Self.readAttention(try file("attention_", "context"), decode: false)
        generation = try Self.readAttention(try file("attention_", "generation"), decode: true)
        nccl = try Self.readCommunication(try file("comm_", "nccl"), filter: ["op_name": "all_reduce", "nccl_dtype": "half"])
        custom = try Self.readCommunication(
            try file("comm_", "custom_allreduce"), filter: ["backend": "vllm_graph", "allreduce_dtype": "bfloat16"])
    }

    private static func readGEMMs(_ file: ProfileTable) throws(ProfileError) -> [Int: [Int: PiecewiseLinear]] {
        let c = try file.columns(["gemm_dtype", "m", "n", "k", "latency"])
        var points: [Int: [Int: [(x: Double, y: Double)]]] = [:]
        for row in file.table.rows.indices where file.text(row, c[0]) == "bfloat16" {
            let n = Int(try file.number(row, c[2])), k = Int(try file.number(row, c[3]))
            points[n, default: [:]][k, default: []].append((try file.number(row, c[1]), try file.number(row, c[4]) * 1e-3))
        }
        return points.mapValues { byK in byK.compactMapValues { PiecewiseLinear(points: $0) } }
    }

    private static func readAttention(_ file: ProfileTable, decode: Bool) throws(ProfileError) -> [AttentionKey: PiecewiseLinearSurface] {
        let c = try file.columns(["kernel_source", "attn_dtype", "kv_cache_dtype", "window_size", "beam_width", "num_heads",
                                  "num_key_value_heads", "head_dim", "batch_size", "isl", "step", "latency"])
        var points: [AttentionKey: [(u: Double, v: Double, value: Double)]] = [:]
        for row in file.table.rows.indices {
            guard file.text(row, c[0]) == "vllm_flash_attn_fa3", file.text(row, c[1]) == "bfloat16",
                  file.text(row, c[2]) == "bfloat16", file.text(row, c[3]) == "0", file.text(row, c[4]) == "1" else { continue }
            let key = AttentionKey(heads: Int(try file.number(row, c[5])), kvHeads: Int(try file.number(row, c[6])),
                                   headDim: Int(try file.number(row, c[7])))
            let length = try file.number(row, c[9]) + (decode ? try file.number(row, c[10]) : 0)
            points[key, default: []].append((try file.number(row, c[8]), length, try file.number(row, c[11]) * 1e-3))
        }
        return points.compactMapValues { PiecewiseLinearSurface(points: $0) }
    }

    private static func readCommunication(_ file: ProfileTable, filter: [String: String]) throws(ProfileError) -> [Int: PiecewiseLinear] {
        let c = try file.columns(["num_gpus", "message_size", "latency"])
        var conditions: [(column: Int, value: String)] = []
        for (name, value) in filter { conditions.append((try file.columns([name])[0], value)) }
        var points: [Int: [(x: Double, y: Double)]] = [:]
        for row in file.table.rows.indices where conditions.allSatisfy({ file.text(row, $0.column) == $0.value }) {
            points[Int(try file.number(row, c[0])), default: []].append(
                (2 * (try file.number(row, c[1])), try file.number(row, c[2]) * 1e-3))
        }
        return points.compactMapValues { PiecewiseLinear(points: $0) }
    }

    /// The seconds-by-m curve of an (n, k) GEMM, bilinear between the measured (n, k) around it.
    func gemm(n: Int, k: Int) throws(ProfileError) -> PiecewiseLinear {
        if let exact = gemms[n]?[k] { return exact }
        let nGrid = gemms.keys.sorted()
        guard let (n0, n1, wn) = Self.bracket(Double(n), nGrid.map(Double.init)) else {
            throw ProfileError("the gemm table has no bf16 rows")
        }
        var corners: [(PiecewiseLinear, Double)] = []
        for (nIndex, nWeight) in [(n0, 1 - wn), (n1, wn)] where nWeight != 0 {
            let byK = gemms[nGrid[nIndex]] ?? [:]
            let kGrid = byK.keys.sorted()
            guard let (k0, k1, wk) = Self.bracket(Double(k), kGrid.map(Double.init)) else { continue }
            for (kIndex, kWeight) in [(k0, 1 - wk), (k1, wk)] where kWeight != 0 {
                if let curve = byK[kGrid[kIndex]] { corners.append((curve, nWeight * kWeight)) }
            }
        }
        guard !corners.isEmpty, let sum = PiecewiseLinear.sum(corners.map { $0.0.scaled(by: $0.1) }) else {
            throw ProfileError("the gemm table has no bf16 rows around n \(n), k \(k)")
        }
        return sum
    }

    /// Grid indices and weight of `x` on increasing `grid` (PiecewiseLinear's outside rule).
    private static func bracket(_ x: Double, _ grid: [Double]) -> (Int, Int, Double)? {
        guard let first = grid.first else { return nil }
        if grid.count == 1 || x <= first { return (0, 0, 0) }
        let high = grid.firstIndex { $0 >= x } ?? grid.count - 1
        let low = high - 1
        return (low, high, (x - grid[low]) / (grid[high] - grid[low]))
    }

    /// The model of one replica (see `MeasuredProfile.model`).
    func model(for model: ModelSpec, gpu: GPUSpec, layout: ParallelLayout, options: TableModelOptions) throws(ProfileError) -> MeasuredTableModel {
        guard model.moe == nil, model.attention == .groupedQuery else {
            throw ProfileError("the aiconfigurator profile reader covers dense grouped-query models only, not \(model.name)")
        }
        let tp = layout.tensorParallel
        let roofline = RooflineModel(model: model, gpu: gpu, layout: layout)
        let heads = model.attentionHeads / tp, kvHeads = max(model.kvHeads / tp, 1), width = model.intermediateSize / tp
        let projections = [
            try gemm(n: (heads + 2 * kvHeads) * model.headDim, k: model.hiddenSize),
            try gemm(n: model.hiddenSize, k: heads * model.headDim),
            try gemm(n: 2 * width, k: model.hiddenSize),
            try gemm(n: model.hiddenSize, k: width),
        ]
        guard let linear = PiecewiseLinear.sum(projections) else { throw ProfileError("the gemm table has no bf16 rows") }
        let lmHead = try gemm(n: model.vocabSize / tp, k: model.hiddenSize)
        let key = AttentionKey(heads: heads, kvHeads: kvHeads, headDim: model.headDim)
        let shape = "num_heads \(heads), num_key_value_heads \(kvHeads), head_dim \(model.headDim) (FlashAttention-3, bf16 KV cache)"
        guard let prefill = context[key] else { throw ProfileError("the context attention table has no rows for \(shape)") }
        guard let decode = generation[key] else { throw ProfileError("the generation attention table has no rows for \(shape)") }
        var allReduceCost: CommunicationCost?
        if tp > 1 {
            switch options.allReduce {
            case .roofline: allReduceCost = .rooflineAllReduce(roofline, ranks: tp)
            case .nccl:
                guard let table = nccl[tp] else { throw ProfileError("the nccl table has no all_reduce rows for num_gpus \(tp)") }
                allReduceCost = CommunicationCost(table: table)
            case .custom:
                allReduceCost = custom[tp].map { CommunicationCost(table: $0) } ?? .rooflineAllReduce(roofline, ranks: tp)
            }
        }
        return MeasuredTableModel(
            layers: model.layers, linear: linear, once: nil, rooflineLinear: [.elementwise], prefillAttention: prefill,
            decodeAttention: decode, allReduce: allReduceCost,
            sendRecv: layout.pipelineParallel > 1 ? .rooflineTransfer(roofline) : nil, lmHead: lmHead, roofline: roofline,
            lookup: options.lookup, hiddenBytesPerToken: Double(model.hiddenSize) * RooflineModel.activationBytes,
            hostOverheadSeconds: options.hostOverheadSeconds, prefillAsFreshPrompt: true)
    }
}
