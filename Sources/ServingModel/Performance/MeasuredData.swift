import Foundation

/// Reads the measured CSV files of the repository's `data/` folder into `MeasuredOperation`s (see
/// `RooflineValidation` for the files and the matching rules). Times in the files are milliseconds.
struct MeasuredData {
    /// The `data/` directory.
    var directory: String

    /// Every measured row that maps to a roofline operation.
    func all() throws -> [MeasuredOperation] {
        try vidurOperations() + h200GEMMs() + h200Attention(decode: false) + h200Attention(decode: true)
            + h200AllReduce() + ncclAllReduce(file: "a100_dgx_all_reduce.csv", gpu: "A100-80GB")
            + ncclAllReduce(file: "h100_dgx_all_reduce.csv", gpu: "H100-80GB")
    }

    // MARK: Serving-relevant ranges (documented on `MeasuredOperation.servingRelevant`)

    static let maxTokens = 4096
    static let maxVidurTensorParallel = 4
    static let promptTokens = 16...8192
    static let maxPrefillTokensPerCall = 16384
    static let maxDecodeStreams = 256
    static let maxDecodeContext = 8192
    static let allReduceBytes = 8192.0...(64.0 * 1024 * 1024)

    // MARK: Files

    private static let aiconfigurator = "profiles/aiconfigurator-h200-vllm"

    /// Parses the file of `folder` whose name starts with `prefix` and contains `infix`.
    private func table(_ folder: String, prefix: String, containing infix: String = "") throws -> CSVTable {
        let path = (directory as NSString).appendingPathComponent(folder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            throw MeasuredDataError.missingDirectory(path)
        }
        guard let name = names.sorted().first(where: { $0.hasPrefix(prefix) && (infix.isEmpty || $0.contains(infix)) && $0.hasSuffix(".csv") }) else {
            throw MeasuredDataError.missingFile(folder: path, pattern: "\(prefix)*\(infix)*.csv")
        }
        return try CSVTable(contentsOfFile: (path as NSString).appendingPathComponent(name))
    }

    private static func gpu(_ name: String) throws -> GPUSpec {
        try Catalog.builtin.requireGPU(named: name)
    }

    // MARK: A100, Vidur

    /// Vidur's Llama-3-8B operations. The element-wise operation is the sum of both RMSNorms,
    /// rotary embedding, activation and the two residual adds (Vidur times them separately).
    private func vidurOperations() throws -> [MeasuredOperation] {
        let csv = try table("profiles/vidur-a100-llama3-8b", prefix: "mlp")
        let a100 = try Self.gpu("A100-80GB")
        let columns = try ["n_head", "n_kv_head", "n_embd", "n_expanded_embd", "vocab_size", "num_tokens",
                           "num_tensor_parallel_workers"].map { try csv.column($0) }
        func median(_ name: String) throws -> Int { try csv.column("time_stats.\(name).median") }
        let matmuls: [(RooflineOperation, Int)] = try [
            (.qkvProjection, median("attn_pre_proj")), (.outputProjection, median("attn_post_proj")),
            (.mlpGateUp, median("mlp_up_proj")), (.mlpDown, median("mlp_down_proj")),
        ]
        let elementwise = try [("input_layernorm", 1.0), ("post_attention_layernorm", 1), ("attn_rope", 1), ("mlp_act", 1), ("add", 2)]
            .map { (try median($0.0), $0.1) }
        var result: [MeasuredOperation] = []
        for row in csv.rows {
            let v = try columns.map { try Self.integer(row[$0], csv.header[$0]) }
            let model = ModelSpec(
                name: "vidur-llama-3-8b", layers: 32, hiddenSize: v[2], attentionHeads: v[0], kvHeads: v[1],
                headDim: v[2] / v[0], intermediateSize: v[3], vocabSize: v[4], parameterCount: 8.03e9
            )
            let roofline = RooflineModel(model: model, gpu: a100, layout: ParallelLayout(tensorParallel: v[6]))
            let tokens = Double(v[5])
            let relevant = v[5] <= Self.maxTokens && v[6] <= Self.maxVidurTensorParallel
            for (operation, column) in matmuls {
                guard let work = roofline.perTokenWork(operation, tokens: tokens) else { continue }
                let seconds = try Self.number(row[column], csv.header[column]) * 1e-3
                result.append(MeasuredOperation(gpu: a100, operation: operation, work: work, measuredSeconds: seconds,
                                                servingRelevant: relevant, usedForFit: true))
            }
            let seconds = try elementwise.reduce(0.0) { $0 + $1.1 * (try Self.number(row[$1.0], csv.header[$1.0])) } * 1e-3
            result.append(MeasuredOperation(gpu: a100, operation: .elementwise, work: roofline.elementwiseWork(tokens: tokens),
                                            measuredSeconds: seconds, servingRelevant: relevant, usedForFit: true))
        }
        return result
    }

    // MARK: H200, aiconfigurator

    /// Dense grouped-query catalog models with bf16 weights and cache, at TP 1, 2, 4 and 8.
    private static func catalogReplicas() throws -> [RooflineModel] {
        let h200 = try gpu("H200-141GB")
        return Catalog.builtin.models
            .filter { $0.moe == nil && $0.attention == .groupedQuery && $0.bytesPerParameter == 2 && $0.kvBytesPerElement == 2 }
            .flatMap { model in
                [1, 2, 4, 8].map { ParallelLayout(tensorParallel: $0) }
                    .filter { $0.shapeProblem(for: model) == nil }
                    .map { RooflineModel(model: model, gpu: h200, layout: $0) }
            }
    }

    /// The (n, k) GEMM shape of each projection of `replica`, per GPU.
    private static func gemmShapes(_ replica: RooflineModel) -> [(RooflineOperation, n: Int, k: Int)] {
        let m = replica.model, tp = replica.layout.tensorParallel
        let queryHeads = m.attentionHeads / tp
        let kvHeads = max(m.kvHeads / tp, 1)
        guard m.intermediateSize % tp == 0 else { return [] }
        return [
            (.qkvProjection, (queryHeads + 2 * kvHeads) * m.headDim, m.hiddenSize),
            (.outputProjection, m.hiddenSize, queryHeads * m.headDim),
            (.mlpGateUp, 2 * m.intermediateSize / tp, m.hiddenSize),
            (.mlpDown, m.hiddenSize, m.intermediateSize / tp),
        ]
    }

    /// bf16 GEMM rows whose (n, k) is a catalog projection, as that projection for m tokens.
    private func h200GEMMs() throws -> [MeasuredOperation] {
        var matches: [String: [(RooflineOperation, RooflineModel)]] = [:]
        for replica in try Self.catalogReplicas() {
            for shape in Self.gemmShapes(replica) {
                let key = "\(shape.n),\(shape.k)"
                if !(matches[key] ?? []).contains(where: { $0.0 == shape.0 }) {
                    matches[key, default: []].append((shape.0, replica))
                }
            }
        }
        let csv = try table(Self.aiconfigurator, prefix: "gemm_")
        let (dtype, m, n, k, latency) = try (csv.column("gemm_dtype"), csv.column("m"), csv.column("n"), csv.column("k"), csv.column("latency"))
        var result: [MeasuredOperation] = []
        for row in csv.rows where row[dtype] == "bfloat16" {
            guard let found = matches[row[n] + "," + row[k]] else { continue }
            let tokens = try Self.integer(row[m], "m")
            let seconds = try Self.number(row[latency], "latency") * 1e-3
            for (operation, replica) in found {
                guard let work = replica.perTokenWork(operation, tokens: Double(tokens)) else { continue }
                result.append(MeasuredOperation(gpu: replica.gpu, operation: operation, work: work, measuredSeconds: seconds,
                                                servingRelevant: tokens <= Self.maxTokens, usedForFit: true))
            }
        }
        return result
    }

    /// FlashAttention-3 rows (bf16 KV cache, no sliding window) whose per-GPU heads match a
    /// catalog replica: context rows are `batch_size` prompts of `isl` tokens; generation rows are
    /// `batch_size` streams with `isl + step` context tokens each.
    private func h200Attention(decode: Bool) throws -> [MeasuredOperation] {
        var replicas: [String: RooflineModel] = [:]
        for replica in try Self.catalogReplicas() {
            let key = "\(Int(replica.queryHeadsPerGPU)),\(Int(replica.kvHeadsPerGPU)),\(replica.model.headDim)"
            if replicas[key] == nil { replicas[key] = replica }
        }
        let csv = try table(Self.aiconfigurator, prefix: "attention_", containing: decode ? "generation" : "context")
        let names = ["kernel_source", "attn_dtype", "kv_cache_dtype", "window_size", "beam_width", "num_heads",
                     "num_key_value_heads", "head_dim", "batch_size", "isl", "latency"]
        let c = try names.map { try csv.column($0) }
        let step = decode ? try csv.column("step") : nil
        var result: [MeasuredOperation] = []
        for row in csv.rows {
            guard row[c[0]] == "vllm_flash_attn_fa3", row[c[1]] == "bfloat16", row[c[2]] == "bfloat16",
                  row[c[3]] == "0", row[c[4]] == "1",
                  let replica = replicas["\(row[c[5]]),\(row[c[6]]),\(row[c[7]])"] else { continue }
            let batch = try Self.integer(row[c[8]], "batch_size")
            let inputTokens = try Self.integer(row[c[9]], "isl")
            let seconds = try Self.number(row[c[10]], "latency") * 1e-3
            if let step {
                let context = inputTokens + (try Self.integer(row[step], "step"))
                let work = replica.decodeAttentionWork(streams: Double(batch), contextTokens: Double(batch * context))
                let relevant = batch <= Self.maxDecodeStreams && context <= Self.maxDecodeContext
                result.append(MeasuredOperation(gpu: replica.gpu, operation: .decodeAttention, work: work,
                                                measuredSeconds: seconds, servingRelevant: relevant, usedForFit: true))
            } else {
                var prompts = BatchShape()
                for _ in 0..<batch { prompts.addPrefillChunk(tokens: inputTokens, context: 0) }
                let work = replica.prefillAttentionWork(prompts, chargesCall: true)
                let relevant = Self.promptTokens.contains(inputTokens) && batch * inputTokens <= Self.maxPrefillTokensPerCall
                result.append(MeasuredOperation(gpu: replica.gpu, operation: .prefillAttention, work: work,
                                                measuredSeconds: seconds, servingRelevant: relevant, usedForFit: true))
            }
        }
        return result
    }

    /// vLLM's custom all-reduce as captured in CUDA graphs (how vLLM serves). aiconfigurator's
    /// `message_size` counts elements (its collectors divide bytes by the element size); bf16 is 2 bytes.
    private func h200AllReduce() throws -> [MeasuredOperation] {
        let csv = try table(Self.aiconfigurator, prefix: "comm_", containing: "custom_allreduce")
        let (backend, dtype, gpus, size, latency) = try (csv.column("backend"), csv.column("allreduce_dtype"),
                                                         csv.column("num_gpus"), csv.column("message_size"), csv.column("latency"))
        let h200 = try Self.gpu("H200-141GB")
        return try csv.rows.filter { $0[backend] == "vllm_graph" && $0[dtype] == "bfloat16" }.map { row in
            try allReduce(gpu: h200, ranks: Self.integer(row[gpus], "num_gpus"), bytes: 2 * Self.number(row[size], "message_size"),
                          seconds: Self.number(row[latency], "latency") * 1e-3, usedForFit: true)
        }
    }

    /// Vidur's NCCL all-reduce within one node (`devices_per_node` equals `num_workers`); `size`
    /// is in bytes. Reported, not fitted: eager NCCL calls, not what vLLM serves with.
    private func ncclAllReduce(file: String, gpu name: String) throws -> [MeasuredOperation] {
        let csv = try table("profiles/nccl", prefix: (file as NSString).deletingPathExtension)
        let (workers, perNode, size, median) = try (csv.column("num_workers"), csv.column("devices_per_node"),
                                                    csv.column("size"), csv.column("time_stats.all_reduce.median"))
        let gpu = try Self.gpu(name)
        return try csv.rows.filter { $0[workers] == $0[perNode] }.map { row in
            try allReduce(gpu: gpu, ranks: Self.integer(row[workers], "num_workers"), bytes: Self.number(row[size], "size"),
                          seconds: Self.number(row[median], "median") * 1e-3, usedForFit: false)
        }
    }

    private func allReduce(gpu: GPUSpec, ranks: Int, bytes: Double, seconds: Double, usedForFit: Bool) throws -> MeasuredOperation {
        let llama = try Catalog.builtin.requireModel(named: "llama-3.1-8b")
        let replica = RooflineModel(model: llama, gpu: gpu, layout: ParallelLayout(tensorParallel: ranks))
        return MeasuredOperation(gpu: gpu, operation: .tensorParallelAllReduce,
                                 work: replica.allReduceWork(messageBytes: bytes, ranks: ranks), measuredSeconds: seconds,
                                 servingRelevant: Self.allReduceBytes.contains(bytes), usedForFit: usedForFit)
    }

    // MARK: Fields

    private static func number(_ text: String, _ column: String) throws(CSVError) -> Double {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)) else {
            throw CSVError.notANumber(column: column, value: text)
        }
        return value
    }

    private static func integer(_ text: String, _ column: String) throws(CSVError) -> Int {
        let value = try number(text, column)
        guard let integer = Int(exactly: value) else { throw CSVError.notANumber(column: column, value: text) }
        return integer
    }
}

/// Measured data that cannot be found.
public enum MeasuredDataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The directory does not exist.
    case missingDirectory(String)
    /// No file in `folder` matches `pattern`.
    case missingFile(folder: String, pattern: String)

    public var description: String {
        switch self {
        case let .missingDirectory(path):
            return "measured-data directory '\(path)' not found (expected the repository's data/ folder)"
        case let .missingFile(folder, pattern):
            return "no file matching '\(pattern)' in '\(folder)'"
        }
    }
}
