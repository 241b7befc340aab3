import Foundation

/// The roofline against the measured-table model, operation by operation, on the repository's
/// profiles (`gpusched bench roofline`): where the two cost sources disagree and by how much.
///
/// Replicas compared: Llama-3-8B on A100-80GB at TP 1 and 2 from the Vidur profile
/// (`profiles/vidur-a100-llama3-8b-with-synthetic-attention`: measured linear layers and NCCL,
/// synthetic attention), Llama-3.1-8B on H200 at TP 1 and Qwen3-32B on H200 at TP 4 from
/// aiconfigurator's perf-DB. Operations: one layer's token-count operations (projections, MLP,
/// element-wise; for aiconfigurator the element-wise part is the roofline's on both sides), one
/// prefill chunk's attention, one layer's decode attention, one all-reduce, and whole iterations.
///
/// ```swift
/// for row in try TableComparison.run(dataDirectory: "data") { print(row.operation, row.relativeError) }
/// ```
public enum TableComparison {
    /// Every comparison row, replica by replica.
    public static func run(dataDirectory: String) throws -> [TableComparisonRow] {
        let vidur = try MeasuredProfile.vidur(
            directory: (dataDirectory as NSString).appendingPathComponent("profiles/vidur-a100-llama3-8b-with-synthetic-attention"))
        let aiconfigurator = try MeasuredProfile.aiconfigurator(
            directory: (dataDirectory as NSString).appendingPathComponent("profiles/aiconfigurator-h200-vllm"))
        let catalog = Catalog.builtin
        let llama = try catalog.requireModel(named: "llama-3.1-8b"), qwen = try catalog.requireModel(named: "qwen3-32b")
        let a100 = try catalog.requireGPU(named: "A100-80GB"), h200 = try catalog.requireGPU(named: "H200-141GB")
        let replicas: [(String, MeasuredProfile, ModelSpec, GPUSpec, Int)] = [
            ("vidur", vidur, llama, a100, 1), ("vidur", vidur, llama, a100, 2),
            ("aiconfigurator", aiconfigurator, llama, h200, 1), ("aiconfigurator", aiconfigurator, qwen, h200, 4),
        ]
        var rows: [TableComparisonRow] = []
        for (source, profile, model, gpu, tp) in replicas {
            let layout = ParallelLayout(tensorParallel: tp)
            let table = try profile.model(for: model, gpu: gpu, layout: layout)
            let roofline = RooflineModel(model: model, gpu: gpu, layout: layout)
            func add(_ operation: String, _ shape: String, _ rooflineSeconds: Double, _ tableSeconds: Double) {
                rows.append(TableComparisonRow(
                    profile: source, gpu: gpu.name, model: model.name, tensorParallel: tp, operation: operation, shape: shape,
                    rooflineSeconds: rooflineSeconds, tableSeconds: tableSeconds, relativeError: rooflineSeconds / tableSeconds - 1))
            }
            for (name, pair) in comparisons(table, roofline) { add(name, pair.shape, pair.roofline, pair.table) }
        }
        return rows
    }

    /// Token counts, prefill (chunk, context), decode (streams, context) and iteration shapes compared.
    static let tokenCounts = [1, 16, 64, 256, 1024, 4096]
    static let prefillShapes = [(512, 0), (2048, 0), (512, 2048)]
    static let decodeShapes = [(1, 1024), (32, 1024), (128, 2048)]

    private static func comparisons(_ table: MeasuredTableModel, _ roofline: RooflineModel)
        -> [(String, (shape: String, roofline: Double, table: Double))]
    {
        let efficiency = roofline.efficiency, gpu = roofline.gpu
        func seconds(_ work: OperationWork) -> Double { efficiency.seconds(for: work, on: gpu) }
        let linearOperations: [RooflineOperation] = [.qkvProjection, .outputProjection, .mlpGateUp, .mlpDown, .elementwise]
        var result: [(String, (shape: String, roofline: Double, table: Double))] = []
        for tokens in tokenCounts {
            let x = Double(tokens)
            let physics = linearOperations.reduce(0.0) { $0 + (roofline.perTokenWork($1, tokens: x).map(seconds) ?? 0) }
            result.append(("layerLinear", ("\(tokens) tokens", physics, table.linearLayerSeconds(tokens: x))))
        }
        for (chunk, context) in prefillShapes {
            var batch = BatchShape()
            batch.addPrefillChunk(tokens: chunk, context: context)
            let physics = seconds(roofline.prefillAttentionWork(batch, chargesCall: true))
            result.append(("prefillAttention", ("chunk \(chunk) after \(context)", physics,
                                                table.prefillChunkSeconds(chunk: Double(chunk), context: Double(context)))))
        }
        for (streams, context) in decodeShapes {
            let physics = seconds(roofline.decodeAttentionWork(streams: Double(streams), contextTokens: Double(streams * context)))
            result.append(("decodeAttention", ("\(streams) streams x \(context)", physics, table.decodeAttention(Double(streams), Double(context)))))
        }
        if let allReduce = table.allReduce {
            for tokens in [1, 64, 512, 4096] {
                let bytes = roofline.hiddenStateBytes(tokens: Double(tokens))
                let physics = seconds(roofline.allReduceWork(messageBytes: bytes, ranks: roofline.layout.tensorParallel))
                result.append(("allReduce", ("\(tokens) tokens (\(Int(bytes)) bytes)", physics, allReduce.seconds(bytes: bytes))))
            }
        }
        for (streams, chunk) in [(32, 0), (128, 0), (32, 512), (0, 2048)] {
            var batch = BatchShape(decodeStreams: streams, decodeContextTokens: streams * 1024)
            batch.addPrefillChunk(tokens: chunk, context: 0)
            result.append(("iteration", ("\(streams) decodes x 1024 + chunk \(chunk)", roofline.iterationSeconds(batch), table.iterationSeconds(batch))))
        }
        return result
    }
}

/// One operation shape: the roofline's seconds against the table model's.
public struct TableComparisonRow: Sendable, Codable, Hashable {
    /// `vidur` or `aiconfigurator`.
    public var profile: String
    public var gpu: String
    public var model: String
    public var tensorParallel: Int
    /// `layerLinear`, `prefillAttention`, `decodeAttention`, `allReduce` or `iteration`.
    public var operation: String
    /// The shape, in words.
    public var shape: String
    public var rooflineSeconds: Double
    public var tableSeconds: Double
    /// rooflineSeconds / tableSeconds − 1.
    public var relativeError: Double
}
