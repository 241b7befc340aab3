import Testing

@testable import ServingModel

// Per-GPU memory accounting, checked against arithmetic written out by hand from the catalog
// shapes (layers, KV heads, head dim, parameter counts) and the documented defaults: 90% of
// memory usable, 2 GB reserved per GPU.

private func catalogModel(_ name: String) throws -> ModelSpec {
    try #require(Catalog.builtin.model(named: name))
}

private func catalogGPU(_ name: String) throws -> GPUSpec {
    try #require(Catalog.builtin.gpu(named: name))
}

/// |a - b| within a relative tolerance (for sums of inexact decimal constants such as 0.9).
private func close(_ a: Double, _ b: Double, tolerance: Double = 1e-12) -> Bool {
    abs(a - b) <= tolerance * max(abs(a), abs(b))
}

@Suite struct MemoryFitTests {

    // MARK: Defaults

    @Test func defaultsAreVLLMs() {
        #expect(MemoryFit.defaultMemoryUtilization == 0.9)
        #expect(MemoryFit.defaultReservedBytes == 2e9)
    }

    // MARK: Grouped-query attention

    @Test func llama8BOnOneH100() throws {
        let model = try catalogModel("llama-3.1-8b")
        let gpu = try catalogGPU("H100-80GB")
        let fit = MemoryFit(model: model, gpu: gpu, layout: ParallelLayout(tensorParallel: 1))

        // 8.03e9 parameters × 2 bytes (bf16) on one GPU.
        #expect(fit.weightBytesPerGPU == 16.06e9)
        // 80 GB × 0.9 − 2 GB reserve = 70 GB.
        #expect(close(fit.usableBytesPerGPU, 70e9))
        // 32 layers × 2 (K and V) × 8 KV heads × 128 head dim × 2 bytes = 131,072 bytes per token.
        #expect(fit.kvBytesPerTokenPerGPU == 131_072)
        #expect(fit.kvBytesPerTokenPerGPU == Double(32 * 2 * 8 * 128 * 2))
        // (70e9 − 16.06e9) / 131,072 = 53,940,000,000 / 131,072 = 411,529.54 -> 411,529 tokens.
        // Check: 131,072 × 411,529 = 53,939,929,088 and the remainder 70,912 < 131,072.
        #expect(fit.kvCapacityTokens == 411_529)
        #expect(fit.fits)
        #expect(fit.shortfall(model: model, gpu: gpu, layout: ParallelLayout()) == nil)
    }

    @Test func llama70BTensorParallel4SplitsKVHeads() throws {
        let model = try catalogModel("llama-3.1-70b")
        let fit = MemoryFit(model: model, gpu: try catalogGPU("H100-80GB"), layout: ParallelLayout(tensorParallel: 4))

        // 70.6e9 × 2 bytes / 4 GPUs = 35.3e9 bytes per GPU.
        #expect(fit.weightBytesPerGPU == 35.3e9)
        // 8 KV heads / TP4 = 2 heads per rank: 80 layers × 2 × 2 heads × 128 × 2 bytes = 81,920.
        #expect(fit.kvBytesPerTokenPerGPU == Double(80 * 2 * 2 * 128 * 2))
        #expect(fit.kvBytesPerTokenPerGPU == 81_920)
        // (70e9 − 35.3e9) / 81,920 = 34,700,000,000 / 81,920 = 423,583.98 -> 423,583.
        // Check: 81,920 × 423,583 = 34,699,919,360, remainder 80,640 < 81,920.
        #expect(fit.kvCapacityTokens == 423_583)
    }

    @Test func llama70BTensorParallel8HasOneKVHeadPerRank() throws {
        let model = try catalogModel("llama-3.1-70b")
        let fit = MemoryFit(model: model, gpu: try catalogGPU("H100-80GB"), layout: ParallelLayout(tensorParallel: 8))

        // 141.2e9 bytes / 8 = 17.65e9.
        #expect(fit.weightBytesPerGPU == 17.65e9)
        // 8 KV heads / TP8 = 1 head per rank: 80 × 2 × 1 × 128 × 2 = 40,960.
        #expect(fit.kvBytesPerTokenPerGPU == Double(80 * 2 * 1 * 128 * 2))
        // (70e9 − 17.65e9) / 40,960 = 52,350,000,000 / 40,960 = 1,278,076.17 -> 1,278,076.
        // Check: 40,960 × 1,278,076 = 52,349,992,960, remainder 7,040.
        #expect(fit.kvCapacityTokens == 1_278_076)
    }

    @Test func llama70BTensorParallel16ReplicatesKVHeads() throws {
        let model = try catalogModel("llama-3.1-70b")
        let layout = ParallelLayout(tensorParallel: 16)
        // 64 attention heads divide by 16; 16 is a multiple of the 8 KV heads: allowed, replicated.
        #expect(layout.shapeProblem(for: model) == nil)
        let fit = MemoryFit(model: model, gpu: try catalogGPU("H100-80GB"), layout: layout)

        // 141.2e9 / 16 = 8.825e9.
        #expect(fit.weightBytesPerGPU == 8.825e9)
        // max(1, 8 / 16) = 1 head per rank (each KV head replicated on 2 ranks): 80 × 2 × 1 × 128 × 2.
        #expect(fit.kvBytesPerTokenPerGPU == 40_960)
        // (70e9 − 8.825e9) / 40,960 = 61,175,000,000 / 40,960 = 1,493,530.27 -> 1,493,530.
        // Check: 40,960 × 1,493,530 = 61,174,988,800, remainder 11,200.
        #expect(fit.kvCapacityTokens == 1_493_530)
    }

    // MARK: Pipeline parallel

    @Test func pipelineParallel2HalvesTheLayersPerStage() throws {
        let model = try catalogModel("llama-3.1-8b")
        let fit = MemoryFit(
            model: model, gpu: try catalogGPU("H100-80GB"), layout: ParallelLayout(tensorParallel: 1, pipelineParallel: 2))
        // Weights split over the 2 stages: 16.06e9 / 2 = 8.03e9.
        #expect(fit.weightBytesPerGPU == 8.03e9)
        // 32 / 2 = 16 layers per stage: 16 × 2 × 8 × 128 × 2 = 65,536.
        #expect(fit.kvBytesPerTokenPerGPU == Double(16 * 2 * 8 * 128 * 2))
        // (70e9 − 8.03e9) / 65,536 = 61,970,000,000 / 65,536 = 945,587.158 -> 945,587.
        // Check: 65,536 × 945,587 = 61,969,989,632, remainder 10,368.
        #expect(fit.kvCapacityTokens == 945_587)
    }

    @Test func pipelineStagesRoundOddLayerCountsUp() throws {
        // llama-3.1-405b: 126 layers / PP4 = 31.5 -> the largest stage holds 32 layers.
        let llama = try catalogModel("llama-3.1-405b")
        let llamaFit = MemoryFit(
            model: llama, gpu: try catalogGPU("H200-141GB"), layout: ParallelLayout(tensorParallel: 8, pipelineParallel: 4))
        // TP8: 8 KV heads / 8 = 1 per rank: 32 × 2 × 1 × 128 × 2 = 16,384.
        #expect(llamaFit.kvBytesPerTokenPerGPU == Double(32 * 2 * 1 * 128 * 2))
        // 405e9 × 2 / 32 GPUs = 25.3125e9.
        #expect(llamaFit.weightBytesPerGPU == 25.3125e9)

        // A 5-layer toy model over PP2: stages of 3 and 2 layers; the larger one counts.
        let toy = ModelSpec(
            name: "toy", layers: 5, hiddenSize: 256, attentionHeads: 4, kvHeads: 2, headDim: 64,
            intermediateSize: 1024, vocabSize: 1000, parameterCount: 1e6)
        let toyFit = MemoryFit(
            model: toy, gpu: try catalogGPU("H100-80GB"), layout: ParallelLayout(tensorParallel: 1, pipelineParallel: 2))
        #expect(toyFit.kvBytesPerTokenPerGPU == Double(3 * 2 * 2 * 64 * 2))
    }

    // MARK: Multi-head latent attention

    @Test func deepSeekV3LatentIsReplicatedOnEveryTPRank() throws {
        let model = try catalogModel("deepseek-v3")
        let gpu = try catalogGPU("H200-141GB")
        // 61 layers × (512 latent + 64 RoPE key) × 2 bytes = 70,272 bytes per token, whatever the TP.
        let perToken = Double(61 * (512 + 64) * 2)
        #expect(perToken == 70_272)
        for tp in [1, 2, 4, 8, 16] {
            let fit = MemoryFit(model: model, gpu: gpu, layout: ParallelLayout(tensorParallel: tp))
            #expect(fit.kvBytesPerTokenPerGPU == perToken, "TP\(tp)")
            // 671e9 parameters × 1 byte (fp8) / TP.
            #expect(fit.weightBytesPerGPU == 671e9 / Double(tp), "TP\(tp)")
        }
        // PP2: 61 layers -> stages of 31 and 30; the larger holds 31 × 576 × 2 = 35,712.
        let pp2 = MemoryFit(model: model, gpu: gpu, layout: ParallelLayout(tensorParallel: 8, pipelineParallel: 2))
        #expect(pp2.kvBytesPerTokenPerGPU == Double(31 * (512 + 64) * 2))
    }

    @Test func deepSeekV3OnEightH200() throws {
        let model = try catalogModel("deepseek-v3")
        let fit = MemoryFit(model: model, gpu: try catalogGPU("H200-141GB"), layout: ParallelLayout(tensorParallel: 8))
        // Usable: 141e9 × 0.9 − 2e9 = 124.9e9; weights: 671e9 / 8 = 83.875e9; free 41.025e9.
        #expect(close(fit.usableBytesPerGPU, 124.9e9))
        #expect(fit.weightBytesPerGPU == 83.875e9)
        // 41,025,000,000 / 70,272 = 583,802.94 -> 583,802.
        // Check: 70,272 × 583,802 = 41,024,934,144, remainder 65,856 < 70,272.
        #expect(fit.kvCapacityTokens == 583_802)
    }

    // MARK: Not fitting

    @Test func llama405BDoesNotFitOnOneA100_40GB() throws {
        let model = try catalogModel("llama-3.1-405b")
        let gpu = try catalogGPU("A100-40GB")
        let layout = ParallelLayout()
        let fit = MemoryFit(model: model, gpu: gpu, layout: layout)
        // 405e9 × 2 = 810e9 bytes of weights against 40e9 × 0.9 − 2e9 = 34e9 usable.
        #expect(fit.weightBytesPerGPU == 810e9)
        #expect(close(fit.usableBytesPerGPU, 34e9))
        #expect(!fit.fits)
        #expect(fit.kvCapacityTokens == 0)
        let message = try #require(fit.shortfall(model: model, gpu: gpu, layout: layout))
        #expect(message.contains("810 GB"), "\(message)")
        #expect(message.contains("34 GB"), "\(message)")
        #expect(message == "llama-3.1-405b on 1×A100-40GB (TP1·PP1) does not fit: "
            + "weights need 810 GB per GPU, only 34 GB usable per GPU")
    }

    @Test func shortfallShowsOneDecimal() throws {
        let model = try catalogModel("llama-3.1-70b")
        let gpu = try catalogGPU("H100-80GB")
        let layout = ParallelLayout()
        let fit = MemoryFit(model: model, gpu: gpu, layout: layout)
        // 70.6e9 × 2 = 141.2e9 bytes > 70e9 usable.
        #expect(!fit.fits)
        #expect(fit.shortfall(model: model, gpu: gpu, layout: layout)
            == "llama-3.1-70b on 1×H100-80GB (TP1·PP1) does not fit: weights need 141.2 GB per GPU, only 70 GB usable per GPU")
    }

    @Test func customUtilizationAndReserve() throws {
        let model = try catalogModel("llama-3.1-8b")
        let fit = MemoryFit(
            model: model, gpu: try catalogGPU("H100-80GB"), layout: ParallelLayout(),
            memoryUtilization: 1, reservedBytes: 0)
        #expect(fit.usableBytesPerGPU == 80e9)
        // (80e9 − 16.06e9) / 131,072 = 63,940,000,000 / 131,072 = 487,823.49 -> 487,823.
        // Check: 131,072 × 487,823 = 63,939,936,256, remainder 63,744.
        #expect(fit.kvCapacityTokens == 487_823)
    }

    @Test func weightsThatFillMemoryExactlyLeaveNoCache() throws {
        // Weights equal to the usable memory: no room for a single token.
        let gpu = GPUSpec(
            name: "toy-gpu", bf16FLOPS: 1e12, memoryBytes: 10e9, memoryBandwidth: 1e12,
            nvlinkBandwidth: 1e11, networkBandwidth: 1e10)
        let model = ModelSpec(
            name: "toy", layers: 4, hiddenSize: 256, attentionHeads: 4, kvHeads: 4, headDim: 64,
            intermediateSize: 1024, vocabSize: 1000, parameterCount: 4e9)
        let fit = MemoryFit(model: model, gpu: gpu, layout: ParallelLayout(), memoryUtilization: 1, reservedBytes: 2e9)
        // usable 10e9 − 2e9 = 8e9 = weights 4e9 × 2.
        #expect(fit.usableBytesPerGPU == fit.weightBytesPerGPU)
        #expect(fit.kvCapacityTokens == 0)
        #expect(!fit.fits)
    }

    // MARK: Layout shape

    @Test func layoutBasics() {
        let layout = ParallelLayout(tensorParallel: 4, pipelineParallel: 2)
        #expect(layout.gpuCount == 8)
        #expect(layout.description == "TP4·PP2")
        #expect(ParallelLayout().gpuCount == 1)
    }

    @Test func shapeProblems() throws {
        let llama8B = try catalogModel("llama-3.1-8b")
        #expect(ParallelLayout(tensorParallel: 3).shapeProblem(for: llama8B)
            == "TP3 does not divide llama-3.1-8b's 32 attention heads")
        #expect(ParallelLayout(tensorParallel: 1, pipelineParallel: 200).shapeProblem(for: llama8B)
            == "PP200 exceeds llama-3.1-8b's 32 layers")
        #expect(ParallelLayout(tensorParallel: 8).shapeProblem(for: llama8B) == nil)
        #expect(ParallelLayout(tensorParallel: 1, pipelineParallel: 32).shapeProblem(for: llama8B) == nil)
        #expect(ParallelLayout(tensorParallel: 0).shapeProblem(for: llama8B) == "TP and PP must be at least 1, got TP0 PP1")

        // 28 heads divide by 7, but 7 neither divides nor is a multiple of the 4 KV heads.
        let qwen7B = try catalogModel("deepseek-r1-distill-qwen-7b")
        #expect(ParallelLayout(tensorParallel: 7).shapeProblem(for: qwen7B)
            == "TP7 neither divides nor is a multiple of deepseek-r1-distill-qwen-7b's 4 KV heads")
        // TP2 divides 4 KV heads; TP4 equals them.
        #expect(ParallelLayout(tensorParallel: 2).shapeProblem(for: qwen7B) == nil)
        #expect(ParallelLayout(tensorParallel: 4).shapeProblem(for: qwen7B) == nil)

        // MLA has no per-head KV constraint: 128 heads, TP16 is fine.
        #expect(ParallelLayout(tensorParallel: 16).shapeProblem(for: try catalogModel("deepseek-v3")) == nil)
    }
}
