import Foundation

/// A Vidur 0.0.26 profile directory, in Vidur's own columns (milliseconds):
/// - `mlp.csv` (required): per-layer token-count operations by `num_tokens`, keyed by `n_head`,
///   `n_kv_head`, `n_embd`, `n_expanded_embd`, `num_tensor_parallel_workers`;
/// - `attention.csv` (required): `attn_prefill` by (`prefill_chunk_size`, `kv_cache_size`) on rows
///   with a chunk, `attn_decode` by (`batch_size`, `kv_cache_size`) on rows without one, optional
///   `attn_kv_cache_save` by max(chunk, batch), keyed by `n_q_head`, `n_kv_head`, `n_embd`,
///   `num_tensor_parallel_workers`;
/// - `all_reduce.csv` (needed for `allReduce: nccl` at TP > 1): by `size` in bytes, rows with
///   `num_workers` = TP and `devices_per_node` = min(TP, 8) (the group within one node);
/// - `send_recv.csv` (optional; the roofline's transfer otherwise): by `size`, rows with
///   `num_workers` 2 and `devices_per_node` 2 when the replica fits in one node, else 1.
/// Several rows of one shape (Vidur repeats some) are averaged.
public struct VidurProfile: Sendable {
    /// The directory read.
    public let directory: String
    private let linear: [LinearRow]
    private let attention: [AttentionRow]
    private let allReduce: [CommunicationRow]?
    private let sendRecv: [CommunicationRow]?

    /// Per-layer operations of `mlp.csv` (the `time_stats.NAME.median` columns), in `LinearRow.ms` order.
    static let linearOperations = [
        "attn_pre_proj", "attn_post_proj", "mlp_up_proj", "mlp_down_proj", "mlp_act", "input_layernorm",
        "post_attention_layernorm", "attn_rope", "add", "emb",
    ]

    struct LinearRow: Sendable {
        var shape: [Int]  // n_head, n_kv_head, n_embd, n_expanded_embd, num_tensor_parallel_workers
        var tokens: Double
        var ms: [Double]
    }

    struct AttentionRow: Sendable {
        var shape: [Int]  // n_q_head, n_kv_head, n_embd, num_tensor_parallel_workers
        var batch: Double, chunk: Double, kv: Double
        var prefillMs: Double, decodeMs: Double, saveMs: Double?
    }

    struct CommunicationRow: Sendable {
        var workers: Int, perNode: Int
        var bytes: Double, ms: Double
    }

    /// Reads and checks every file (numbers strictly, with file:line on errors).
    public init(directory: String) throws(ProfileError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ProfileError("profile directory '\(directory)' not found")
        }
        self.directory = directory
        linear = try Self.readLinear(try ProfileTable.read(directory, "mlp.csv"))
        attention = try Self.readAttention(try ProfileTable.read(directory, "attention.csv"))
        allReduce = try ProfileTable.readIfPresent(directory, "all_reduce.csv").map { table throws(ProfileError) in
            try Self.readCommunication(table, "all_reduce")
        }
        sendRecv = try ProfileTable.readIfPresent(directory, "send_recv.csv").map { table throws(ProfileError) in
            try Self.readCommunication(table, "send_recv")
        }
    }

    private static func readLinear(_ file: ProfileTable) throws(ProfileError) -> [LinearRow] {
        let keys = try file.columns(["n_head", "n_kv_head", "n_embd", "n_expanded_embd", "num_tensor_parallel_workers", "num_tokens"])
        let times = try file.columns(linearOperations.map { "time_stats.\($0).median" })
        var rows: [LinearRow] = []
        for row in file.table.rows.indices {
            var shape: [Int] = []
            for column in keys.dropLast() { shape.append(Int(try file.number(row, column))) }
            var ms: [Double] = []
            for column in times { ms.append(try file.number(row, column)) }
            rows.append(LinearRow(shape: shape, tokens: try file.number(row, keys[5]), ms: ms))
        }
        return rows
    }

    private static func readAttention(_ file: ProfileTable) throws(ProfileError) -> [AttentionRow] {
        let c = try file.columns([
            "n_q_head", "n_kv_head", "n_embd", "num_tensor_parallel_workers", "batch_size", "prefill_chunk_size",
            "kv_cache_size", "time_stats.attn_prefill.median", "time_stats.attn_decode.median",
        ])
        let save = file.table.header.firstIndex(of: "time_stats.attn_kv_cache_save.median")
        var rows: [AttentionRow] = []
        for row in file.table.rows.indices {
            var shape: [Int] = []
            for column in c[0..<4] { shape.append(Int(try file.number(row, column))) }
            rows.append(AttentionRow(
                shape: shape, batch: try file.number(row, c[4]), chunk: try file.number(row, c[5]), kv: try file.number(row, c[6]),
                prefillMs: try file.number(row, c[7]), decodeMs: try file.number(row, c[8]),
                saveMs: try save.map { column throws(ProfileError) in try file.number(row, column) }))
        }
        return rows
    }

    private static func readCommunication(_ file: ProfileTable, _ operation: String) throws(ProfileError) -> [CommunicationRow] {
        let c = try file.columns(["num_workers", "devices_per_node", "size", "time_stats.\(operation).median"])
        var rows: [CommunicationRow] = []
        for row in file.table.rows.indices {
            rows.append(CommunicationRow(
                workers: Int(try file.number(row, c[0])), perNode: Int(try file.number(row, c[1])),
                bytes: try file.number(row, c[2]), ms: try file.number(row, c[3])))
        }
        return rows
    }

    /// The model of one replica (see `MeasuredProfile.model`).
    func model(for model: ModelSpec, gpu: GPUSpec, layout: ParallelLayout, options: TableModelOptions) throws(ProfileError) -> MeasuredTableModel {
        guard model.moe == nil, model.attention == .groupedQuery else {
            throw ProfileError("a Vidur profile covers dense grouped-query models only, not \(model.name)")
        }
        let tp = layout.tensorParallel
        let roofline = RooflineModel(model: model, gpu: gpu, layout: layout)
        let shape = [model.attentionHeads, model.kvHeads, model.hiddenSize, model.intermediateSize, tp]
        let rows = linear.filter { $0.shape == shape }
        let shapeText = "n_embd \(model.hiddenSize) (n_head \(model.attentionHeads), n_kv_head \(model.kvHeads), n_expanded_embd \(model.intermediateSize))"
        guard !rows.isEmpty else {
            throw ProfileError("mlp.csv has no rows for num_tensor_parallel_workers \(tp) with \(shapeText)")
        }
        let vidur = options.lookup == .vidur
        // attn_pre_proj … attn_rope once, add twice (residual after attention and after the MLP);
        // Vidur charges add once.
        let weights: [Double] = [1, 1, 1, 1, 1, 1, 1, 1, vidur ? 1 : 2, 0]
        var linearCurve = PiecewiseLinear(points: rows.map { row in
            (row.tokens, zip(row.ms, weights).reduce(0) { $0 + $1.0 * $1.1 } * 1e-3)
        })
        let once = vidur ? nil : PiecewiseLinear(points: rows.map { ($0.tokens, $0.ms[9] * 1e-3) })

        let attentionShape = [model.attentionHeads, model.kvHeads, model.hiddenSize, tp]
        let attentionRows = attention.filter { $0.shape == attentionShape }
        let prefillRows = attentionRows.filter { $0.chunk > 0 }
        let decodeRows = attentionRows.filter { $0.chunk == 0 }
        let attentionText = "num_tensor_parallel_workers \(tp) with n_embd \(model.hiddenSize) (n_q_head \(model.attentionHeads), n_kv_head \(model.kvHeads))"
        guard let prefill = PiecewiseLinearSurface(points: prefillRows.map { ($0.chunk, $0.kv, $0.prefillMs * 1e-3) }) else {
            throw ProfileError("attention.csv has no prefill rows (prefill_chunk_size > 0) for \(attentionText)")
        }
        guard let decode = PiecewiseLinearSurface(points: decodeRows.map { ($0.batch, $0.kv, $0.decodeMs * 1e-3) }) else {
            throw ProfileError("attention.csv has no decode rows (prefill_chunk_size 0) for \(attentionText)")
        }
        if !vidur, let linearSoFar = linearCurve,
           let save = PiecewiseLinear(points: attentionRows.compactMap { row in row.saveMs.map { (max(row.chunk, row.batch), $0 * 1e-3) } }) {
            linearCurve = PiecewiseLinear.sum([linearSoFar, save])
        }
        guard let linearCurve else { throw ProfileError("mlp.csv has no rows for \(shapeText)") }

        var allReduceCost: CommunicationCost?
        if tp > 1 {
            switch options.allReduce {
            case .roofline, .custom:
                allReduceCost = .rooflineAllReduce(roofline, ranks: tp)
            case .nccl:
                guard let allReduce else {
                    throw ProfileError("allReduce nccl at TP \(tp) needs all_reduce.csv, which is not in \(directory)")
                }
                let perNode = min(tp, RooflineModel.gpusPerNode)
                let table = PiecewiseLinear(points: allReduce.filter { $0.workers == tp && $0.perNode == perNode }.map { ($0.bytes, $0.ms * 1e-3) })
                guard let table else {
                    throw ProfileError("all_reduce.csv has no rows for num_workers \(tp) with devices_per_node \(perNode)")
                }
                allReduceCost = CommunicationCost(table: table, fixedSeconds: vidur ? Self.ncclLaunchSeconds : 0)
            }
        }
        var sendRecvCost: CommunicationCost?
        if layout.pipelineParallel > 1 {
            if let sendRecv {
                let perNode = layout.gpuCount <= RooflineModel.gpusPerNode ? 2 : 1
                let table = PiecewiseLinear(points: sendRecv.filter { $0.workers == 2 && $0.perNode == perNode }.map { ($0.bytes, $0.ms * 1e-3) })
                guard let table else {
                    throw ProfileError("send_recv.csv has no rows for num_workers 2 with devices_per_node \(perNode)")
                }
                sendRecvCost = CommunicationCost(table: table)
            } else {
                sendRecvCost = .rooflineTransfer(roofline)
            }
        }
        return MeasuredTableModel(
            layers: model.layers, linear: linearCurve, once: once, rooflineLinear: [], prefillAttention: prefill,
            decodeAttention: decode, allReduce: allReduceCost, sendRecv: sendRecvCost, lmHead: nil, roofline: roofline,
            lookup: options.lookup, hiddenBytesPerToken: Double(model.hiddenSize) * RooflineModel.activationBytes,
            hostOverheadSeconds: options.hostOverheadSeconds)
    }

    /// Vidur's `nccl_cpu_launch_overhead_ms` default (0.02 ms), charged per all-reduce by `TableLookup.vidur`.
    static let ncclLaunchSeconds = 0.02e-3
}
