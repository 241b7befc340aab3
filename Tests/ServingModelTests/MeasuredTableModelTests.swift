import Foundation
import Testing

@testable import ServingModel
import GPUSchedTestSupport

// The measured-table iteration-time model on a small hand-made Vidur profile (every expected time
// summed by hand from the rows below), on the repository's profiles, and its errors.

/// The catalog entries the tests use (an error naming the catalog's entries if one is renamed).
private func llamaAndA100() throws -> (ModelSpec, GPUSpec) {
    (try Catalog.builtin.requireModel(named: "llama-3.1-8b"), try Catalog.builtin.requireGPU(named: "A100-80GB"))
}

/// Vidur's mlp.csv columns, in `VidurProfile.linearOperations` order.
private let operations = ["attn_pre_proj", "attn_post_proj", "mlp_up_proj", "mlp_down_proj", "mlp_act", "input_layernorm",
                          "post_attention_layernorm", "attn_rope", "add", "emb"]

/// A Vidur profile for Llama-3.1-8B's shape at TP 1 and 2: operation i (0-based) takes
/// (i + 1) × 0.001 × tokens ms at TP 1 and half that at TP 2, at 8, 16 and 32 tokens. Attention:
/// prefill (chunk 32, kv 0) 0.1, (32, 256) 0.2, (64, 0) 0.3, (64, 256) 0.5; decode (batch 1,
/// kv 0) 0.01, (1, 512) 0.03, (4, 0) 0.02, (4, 512) 0.08; KV-cache save 0.001 ms per token.
/// All-reduce at 2 GPUs in one node: 0.05 ms at 0 bytes, 0.15 ms at 1 MiB.
private func handMadeProfile(mlp: String? = nil, allReduce: Bool = true) throws -> String {
    let directory = try TemporaryFiles.directory(prefix: "vidur-profile")
    var lines = ["n_head,n_kv_head,n_embd,n_expanded_embd,vocab_size,num_tokens,num_tensor_parallel_workers,"
        + operations.map { "time_stats.\($0).median" }.joined(separator: ",")]
    for tp in [1, 2] {
        for tokens in [8, 16, 32] {
            let times = (0..<10).map { Double($0 + 1) * 0.001 * Double(tokens) / Double(tp) }
            lines.append("32,8,4096,14336,128256,\(tokens),\(tp)," + times.map { "\($0)" }.joined(separator: ","))
        }
    }
    try (mlp ?? lines.joined(separator: "\n")).write(to: directory.appendingPathComponent("mlp.csv"), atomically: true, encoding: .utf8)
    var attention = ["n_embd,n_q_head,n_kv_head,block_size,num_tensor_parallel_workers,batch_size,prefill_chunk_size,kv_cache_size,"
        + "time_stats.attn_prefill.median,time_stats.attn_decode.median,time_stats.attn_kv_cache_save.median"]
    for tp in [1, 2] {
        for (chunk, kv, ms) in [(32, 0, 0.1), (32, 256, 0.2), (64, 0, 0.3), (64, 256, 0.5)] {
            attention.append("4096,32,8,16,\(tp),1,\(chunk),\(kv),\(ms),0,\(0.001 * Double(chunk))")
        }
        for (batch, kv, ms) in [(1, 0, 0.01), (1, 512, 0.03), (4, 0, 0.02), (4, 512, 0.08)] {
            attention.append("4096,32,8,16,\(tp),\(batch),0,\(kv),0,\(ms),\(0.001 * Double(batch))")
        }
    }
    try attention.joined(separator: "\n").write(to: directory.appendingPathComponent("attention.csv"), atomically: true, encoding: .utf8)
    if allReduce {
        let rows = [",time_stats.all_reduce.median,rank,num_workers,size,collective,devices_per_node",
                    "0,0.05,0,2,0,all_reduce,2", "1,0.15,0,2,1048576,all_reduce,2", "2,9.0,0,2,1048576,all_reduce,1"]
        try rows.joined(separator: "\n").write(to: directory.appendingPathComponent("all_reduce.csv"), atomically: true, encoding: .utf8)
    }
    let sendRecv = [",time_stats.send_recv.median,rank,num_workers,size,collective,devices_per_node",
                    "0,0.01,0,2,0,send_recv,2", "1,0.11,0,2,1048576,send_recv,2", "2,5.0,0,2,1048576,send_recv,1"]
    try sendRecv.joined(separator: "\n").write(to: directory.appendingPathComponent("send_recv.csv"), atomically: true, encoding: .utf8)
    return directory.path
}

/// The roofline's LM head for `rows` logit rows on `layout` (the operation mlp.csv lacks).
private func rooflineLMHead(rows: Int, layout: ParallelLayout) throws -> Double {
    let (llama, a100) = try llamaAndA100()
    let roofline = RooflineModel(model: llama, gpu: a100, layout: layout)
    let entry = try #require(roofline.breakdown(BatchShape(decodeStreams: rows, decodeContextTokens: rows)).first { $0.operation == .lmHead })
    return entry.seconds
}

@Test func decodeIterationEqualsTheHandSummedRows() throws {
    let (llama, a100) = try llamaAndA100()
    let profile = try MeasuredProfile.vidur(directory: try handMadeProfile())
    let model = try profile.model(for: llama, gpu: a100, layout: ParallelLayout())
    // 2 streams of 256 context tokens: 2 tokens, below the mlp grid, so each operation clamps to
    // its 8-token row: (1+…+8 + 2 × 9) × 0.001 × 8 = 0.432 ms; the KV-cache save between its 1- and
    // 4-token rows: 0.002 ms; decode attention at batch 2 (a third of the way from line 1 to
    // line 4) and kv 256 (halfway): 0.02 + (0.05 − 0.02) / 3 = 0.03 ms. Per layer 0.464 ms, 32
    // layers; the embedding (clamped: 10 × 0.001 × 8 = 0.08 ms) once; the LM head from the roofline.
    let batch = BatchShape(decodeStreams: 2, decodeContextTokens: 512)
    let expected = (32 * 0.464 + 0.08) * 1e-3 + (try rooflineLMHead(rows: 2, layout: ParallelLayout()))
    #expect(abs(model.iterationSeconds(batch) / expected - 1) < 1e-12)
    #expect(model.iterationSeconds(BatchShape()) == 0)
}

@Test func tensorParallelPrefillEqualsTheHandSummedRows() throws {
    let (llama, a100) = try llamaAndA100()
    let profile = try MeasuredProfile.vidur(directory: try handMadeProfile())
    let layout = ParallelLayout(tensorParallel: 2)
    let model = try profile.model(for: llama, gpu: a100, layout: layout)
    #expect(profile.defaultAllReduce == .nccl)
    // A 48-token chunk after 128 cached tokens, TP 2: linear extrapolated past 32 tokens along its
    // straight line, 54 × 0.001 × 48 / 2 = 1.296 ms; save 0.048; prefill attention at chunk 48
    // (halfway between lines 32 and 64) and kv 128 (halfway): (0.15 + 0.4) / 2 = 0.275; two
    // all-reduces of 48 × 4096 × 2 = 393,216 bytes: 2 × (0.05 + 0.1 × 393216 / 1048576) = 0.175.
    // Per layer 1.794 ms × 32; embedding 10 × 0.001 × 48 / 2 = 0.24 ms; LM head for one row.
    var batch = BatchShape()
    batch.addPrefillChunk(tokens: 48, context: 128)
    let expected = (32 * 1.794 + 0.24) * 1e-3 + (try rooflineLMHead(rows: 1, layout: layout))
    #expect(abs(model.iterationSeconds(batch) / expected - 1) < 1e-12)
}

@Test func equalChunksAreChargedOneLookupEach() throws {
    let (llama, a100) = try llamaAndA100()
    let profile = try MeasuredProfile.vidur(directory: try handMadeProfile())
    let model = try profile.model(for: llama, gpu: a100, layout: ParallelLayout())
    // Two fresh 32-token prompts: 64 tokens, 54 × 0.001 × 64 = 3.456 ms of linear work (64 is past
    // the mlp grid: extrapolated), save 0.064, prefill attention 2 × 0.1; 32 layers; embedding
    // 0.64 ms; logits for 2 rows.
    var batch = BatchShape()
    batch.addPrefillChunk(tokens: 32, context: 0)
    batch.addPrefillChunk(tokens: 32, context: 0)
    let expected = (32 * (3.456 + 0.064 + 0.2) + 0.64) * 1e-3 + (try rooflineLMHead(rows: 2, layout: ParallelLayout()))
    #expect(abs(model.iterationSeconds(batch) / expected - 1) < 1e-12)
}

@Test func vidurLookupReproducesVidursRoundingAndOmissions() throws {
    let (llama, a100) = try llamaAndA100()
    let profile = try MeasuredProfile.vidur(directory: try handMadeProfile())
    let layout = ParallelLayout(tensorParallel: 2)
    let model = try profile.model(for: llama, gpu: a100, layout: layout, lookup: .vidur)
    // Same 48-token chunk after 128 tokens: linear with one add, (36 + 9) × 0.001 × 48 / 2 = 1.08 ms;
    // no save; prefill at chunk ⌈48/32⌉·32 = 64 and kv ⌈(128 + 48)/256⌉·256 = 256: 0.5 ms; two
    // all-reduces of 0.0875 + 0.02 ms launch. No embedding, no LM head.
    var batch = BatchShape()
    batch.addPrefillChunk(tokens: 48, context: 128)
    #expect(abs(model.iterationSeconds(batch) / (32 * (1.08 + 0.5 + 0.215) * 1e-3) - 1) < 1e-12)
    // Decode: 3 streams, context 100 each: tokens rounded up to 8 (0.045 × 8 / 2 = 0.18 ms); mean
    // of context + 1 = 101, rounded up to 256: decode at batch 3 (2/3 of the way from line 1 to 4)
    // and kv 256 (halfway): 0.02 + (0.05 − 0.02) × 2/3 = 0.04, × 1.1 (several streams, GQA); two
    // all-reduces at 8 tokens = 65,536 bytes: 2 × (0.05 + 0.1/16 + 0.02).
    let decode = BatchShape(decodeStreams: 3, decodeContextTokens: 300)
    let perLayer = 0.18 + 0.04 * 1.1 + 2 * (0.05 + 0.1 / 16 + 0.02)
    #expect(abs(model.iterationSeconds(decode) / (32 * perLayer * 1e-3) - 1) < 1e-12)
}

@Test func allReduceChoiceAndHostOverheadAreCharged() throws {
    let (llama, a100) = try llamaAndA100()
    let profile = try MeasuredProfile.vidur(directory: try handMadeProfile())
    let layout = ParallelLayout(tensorParallel: 2)
    let batch = BatchShape(decodeStreams: 4, decodeContextTokens: 4 * 512)
    let nccl = try profile.model(for: llama, gpu: a100, layout: layout, allReduce: .nccl)
    let roofline = try profile.model(for: llama, gpu: a100, layout: layout, allReduce: .roofline)
    let withHost = try profile.model(for: llama, gpu: a100, layout: layout, allReduce: .roofline, hostOverheadSeconds: 0.002)
    // The all-reduce terms differ by 64 × (table − roofline) at 4 × 8192 = 32,768 bytes.
    let bytes = 4.0 * 4096 * 2
    let table = (0.05 + 0.1 * bytes / 1_048_576) * 1e-3
    let efficiency = RooflineEfficiency.default
    let ring = efficiency.collectiveLatencySeconds + bytes / (a100.nvlinkBandwidth * efficiency.interconnect)  // 2(n−1)/n = 1 at n = 2
    #expect(abs((nccl.iterationSeconds(batch) - roofline.iterationSeconds(batch)) - 64 * (table - ring)) < 1e-12)
    #expect(abs(withHost.iterationSeconds(batch) - roofline.iterationSeconds(batch) - 0.002) < 1e-15)
    let wrapped = HostOverheadModel(base: RooflineModel(model: llama, gpu: a100, layout: layout), seconds: 0.001)
    #expect(abs(wrapped.iterationSeconds(batch) - RooflineModel(model: llama, gpu: a100, layout: layout).iterationSeconds(batch) - 0.001) < 1e-15)
    #expect(wrapped.iterationSeconds(BatchShape()) == 0)
}

@Test func pipelineStagesAddOneSendRecvPerBoundary() throws {
    let (llama, a100) = try llamaAndA100()
    let profile = try MeasuredProfile.vidur(directory: try handMadeProfile())
    let oneStage = try profile.model(for: llama, gpu: a100, layout: ParallelLayout())
    let twoStages = try profile.model(for: llama, gpu: a100, layout: ParallelLayout(tensorParallel: 1, pipelineParallel: 2))
    // The same 32 layers; one transfer of 2 tokens × 8192 bytes within the node (devices_per_node
    // 2): 0.01 + 0.1 × 16384 / 1048576 ms.
    let batch = BatchShape(decodeStreams: 2, decodeContextTokens: 512)
    let transfer = (0.01 + 0.1 * 16384 / 1_048_576) * 1e-3
    #expect(abs(twoStages.iterationSeconds(batch) - oneStage.iterationSeconds(batch) - transfer) < 1e-15)
}

// MARK: Errors

@Test func profileErrorsNameTheFileAndTheShape() throws {
    let (llama, a100) = try llamaAndA100()
    #expect(throws: ProfileError("profile directory '/nonexistent/profile' not found")) {
        try MeasuredProfile.vidur(directory: "/nonexistent/profile")
    }
    let empty = try TemporaryFiles.directory(prefix: "empty-profile").path
    #expect(throws: ProfileError("mlp.csv not found in \(empty)")) { try MeasuredProfile.vidur(directory: empty) }
    let profile = try MeasuredProfile.vidur(directory: try handMadeProfile())
    #expect(throws: ProfileError(
        "mlp.csv has no rows for num_tensor_parallel_workers 4 with n_embd 4096 (n_head 32, n_kv_head 8, n_expanded_embd 14336)")) {
        try profile.model(for: llama, gpu: a100, layout: ParallelLayout(tensorParallel: 4))
    }
    let noAllReduce = try handMadeProfile(allReduce: false)
    #expect(throws: ProfileError("allReduce nccl at TP 2 needs all_reduce.csv, which is not in \(noAllReduce)")) {
        try MeasuredProfile.vidur(directory: noAllReduce).model(for: llama, gpu: a100, layout: ParallelLayout(tensorParallel: 2))
    }
    let header = "n_head,n_kv_head,n_embd,n_expanded_embd,num_tokens,num_tensor_parallel_workers,"
        + operations.map { "time_stats.\($0).median" }.joined(separator: ",")
    let malformed = header + "\n32,8,4096,14336,8,1," + Array(repeating: "0.1", count: 10).joined(separator: ",")
        + "\n32,8,4096,14336,1e,1," + Array(repeating: "0.1", count: 10).joined(separator: ",")
    #expect(throws: ProfileError("mlp.csv:3 column 'num_tokens': '1e' is not a number")) {
        try MeasuredProfile.vidur(directory: try handMadeProfile(mlp: malformed))
    }
    #expect(throws: ProfileError("mlp.csv has no column 'time_stats.attn_pre_proj.median'")) {
        try MeasuredProfile.vidur(directory: try handMadeProfile(mlp: "n_head,n_kv_head,n_embd,n_expanded_embd,num_tensor_parallel_workers,num_tokens\n"))
    }
}

// MARK: The repository's profiles

/// The Vidur profile the peers fed Vidur: measured A100 mlp.csv and NCCL tables, synthetic attention.
private let vidurBundle = Repository.dataPath("profiles/vidur-a100-llama3-8b-with-synthetic-attention")

@Test func vidurLookupMatchesVidursOwnFirstRequest() throws {
    let (llama, a100) = try llamaAndA100()
    // Vidur 0.0.26 on the peers' w1_qps4_10k trace, TP 1: request 0 (679 prompt tokens, alone on
    // the replica) has TTFT 52.912715 ms (its request_metrics.csv; /work/vidur-notes.md: Σ ops at
    // 680 tokens + attn_prefill(kv 768, chunk 704), × 32 layers). Vidur looks the rows up through a
    // random forest, which is within about 2% of the rows at grid points.
    let profile = try MeasuredProfile.vidur(directory: vidurBundle)
    let model = try profile.model(for: llama, gpu: a100, layout: ParallelLayout(), lookup: .vidur)
    var batch = BatchShape()
    batch.addPrefillChunk(tokens: 679, context: 0)
    let seconds = model.iterationSeconds(batch)
    print("request 0 of w1: \(seconds * 1e3) ms (Vidur 52.912715 ms)")
    #expect(abs(seconds / 52.912715e-3 - 1) < 0.02, "\(seconds * 1e3) ms")
}

@Test func vidurReaderInterpolatesTheMeasuredRows() throws {
    let (llama, a100) = try llamaAndA100()
    let profile = try MeasuredProfile.vidur(directory: vidurBundle)
    let tp1 = try profile.model(for: llama, gpu: a100, layout: ParallelLayout(), lookup: .vidur)
    // One decode stream, Vidur's lookup: the TP-1 row of mlp.csv at 8 tokens (1 rounded up to 8)
    // and the attention row at batch 1, kv 256, read here independently of the model: the nine
    // per-layer operations (one add) plus decode attention, times 32 layers.
    let mlp = try CSVTable(contentsOfFile: vidurBundle + "/mlp.csv")
    let tokens = try mlp.column("num_tokens"), tp = try mlp.column("num_tensor_parallel_workers")
    let row = try #require(mlp.rows.first { $0[tokens] == "8" && $0[tp] == "1" })
    let linear = try operations.dropLast().reduce(0.0) { $0 + (try #require(Double(row[try mlp.column("time_stats.\($1).median")]))) }
    let attention = try CSVTable(contentsOfFile: vidurBundle + "/attention.csv")
    let c = try ["num_tensor_parallel_workers", "batch_size", "prefill_chunk_size", "kv_cache_size", "time_stats.attn_decode.median"]
        .map { try attention.column($0) }
    let decodeRow = try #require(attention.rows.first { $0[c[0]] == "1" && $0[c[1]] == "1" && $0[c[2]] == "0" && $0[c[3]] == "256" })
    let decode = try #require(Double(decodeRow[c[4]]))
    // One stream with 200 tokens of context: 1 token rounded up to 8; kv ⌈201/256⌉·256 = 256; no 1.1.
    let expected = 32 * (linear + decode) * 1e-3
    #expect(abs(tp1.iterationSeconds(BatchShape(decodeStreams: 1, decodeContextTokens: 200)) / expected - 1) < 1e-12)
}

@Test func aiconfiguratorReaderUsesTheGEMMRowsAndInterpolatesBetweenShapes() throws {
    let directory = Repository.dataPath("profiles/aiconfigurator-h200-vllm")
    let profile = try AIConfiguratorProfile(directory: directory)
    let names = try FileManager.default.contentsOfDirectory(atPath: directory)
    let gemmFile = try #require(names.first { $0.hasPrefix("gemm_") })
    let csv = try CSVTable(contentsOfFile: directory + "/" + gemmFile)
    let c = try ["gemm_dtype", "m", "n", "k", "latency"].map { try csv.column($0) }
    func measured(m: Int, n: Int, k: Int) throws -> Double {
        let rows = csv.rows.filter { $0[c[0]] == "bfloat16" && $0[c[1]] == "\(m)" && $0[c[2]] == "\(n)" && $0[c[3]] == "\(k)" }
        let values = try rows.map { try #require(Double($0[c[4]])) }
        try #require(!values.isEmpty, "no row m \(m) n \(n) k \(k)")
        return values.reduce(0, +) / Double(values.count) * 1e-3
    }
    // Llama-3.1-8B's QKV projection at TP 1 is a measured shape (n 6144, k 4096).
    let qkv = try profile.gemm(n: 6144, k: 4096)
    #expect(abs(qkv(512) - (try measured(m: 512, n: 6144, k: 4096))) < 1e-15)
    // Its gate/up projection (n 28672) lies between the measured n 16384 and 51200: linear in n.
    let weight = (28672.0 - 16384) / (51200 - 16384)
    let expected = (1 - weight) * (try measured(m: 256, n: 16384, k: 4096)) + weight * (try measured(m: 256, n: 51200, k: 4096))
    #expect(abs(try profile.gemm(n: 28672, k: 4096)(256) / expected - 1) < 1e-12)
}

@Test func aiconfiguratorModelCoversCatalogShapesAndRefusesOthers() throws {
    let profile = try MeasuredProfile.aiconfigurator(directory: Repository.dataPath("profiles/aiconfigurator-h200-vllm"))
    let h200 = try #require(Catalog.builtin.gpu(named: "H200-141GB"))
    let qwen = try #require(Catalog.builtin.model(named: "qwen3-32b"))
    #expect(profile.defaultAllReduce == .custom)
    let model = try profile.model(for: qwen, gpu: h200, layout: ParallelLayout(tensorParallel: 4))
    // Decode of 64 streams: the table model and the roofline (fitted to these very tables) agree
    // within 25%, the roofline's documented p90 error on these operations.
    let batch = BatchShape(decodeStreams: 64, decodeContextTokens: 64 * 2000)
    let roofline = RooflineModel(model: qwen, gpu: h200, layout: ParallelLayout(tensorParallel: 4)).iterationSeconds(batch)
    #expect(abs(model.iterationSeconds(batch) / roofline - 1) < 0.25, "\(model.iterationSeconds(batch)) vs \(roofline)")
    // vLLM's custom all-reduce under CUDA graphs at 4 GPUs, 131,072 bf16 elements (262,144 bytes):
    // 6.985 µs in comm_vllm_0.24.0_custom_allreduce_perf.csv (a grid point, so exact).
    let allReduce = try #require(model.allReduce)
    #expect(abs(allReduce.seconds(bytes: 262_144) - 0.00698527991771698e-3) < 1e-18)
    let deepseek = try #require(Catalog.builtin.models.first { $0.moe != nil })
    #expect(throws: ProfileError.self) { try profile.model(for: deepseek, gpu: h200, layout: ParallelLayout(tensorParallel: 8)) }
}
