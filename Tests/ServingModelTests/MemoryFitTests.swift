import Testing

@testable import ServingModel

// Per-GPU memory accounting (vLLM's rule), checked against arithmetic written out by hand from the
// catalog shapes (layers, KV heads, head dim, vocabulary, parameter counts), the driver-reported
// memory (H100-80GB: 81,559 MiB = 85,520,809,984 bytes) and the documented terms: 90% of memory,
// minus weights, the activation peak max(38.25 B × sequences × vocabulary, tokens × 3 ×
// intermediate / TP × 2 B) + 2.56 B × tokens × hidden, minus non-torch memory (0.13 GiB on one
// GPU, 0.55 GiB with peers), in whole blocks of 16 tokens. vLLM's `vllm serve` limits on an H100:
// 1,024 sequences, 8,192 tokens; on an A100: 256 and 2,048.

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

private let gibibyte = 1_073_741_824.0

@Suite struct MemoryFitTests {

    // MARK: The profile terms, by hand

    @Test func llama8BOnOneH100ByHand() throws {
        let model = try catalogModel("llama-3.1-8b")
        let gpu = try catalogGPU("H100-80GB")
        let profile = VLLMMemoryProfile(model: model, gpu: gpu, layout: ParallelLayout())
        // vllm serve on an H100: 1,024 sequences, 8,192 batched tokens.
        #expect(profile.maxNumSeqs == 1024 && profile.maxBatchedTokens == 8192)
        // Sampler: 38.25 × 1,024 × 128,256 = 5,023,531,008 bytes; the forward pass's MLP transient,
        // 8,192 × 3 × 14,336 × 2 = 704,643,072, is smaller; kept hidden states 2.56 × 8,192 × 4,096
        // = 85,899,345.92. Peak 5,109,430,353.92 bytes = 4.76 GiB, vLLM's logged 4.76 GiB.
        #expect(close(profile.activationPeakBytes, 5_109_430_353.92))
        #expect(close(profile.nonTorchBytes, 0.13 * gibibyte))

        let fit = MemoryFit(model: model, gpu: gpu, layout: ParallelLayout())
        // 8.03e9 parameters × 2 bytes (bf16) on one GPU.
        #expect(fit.weightBytesPerGPU == 16.06e9)
        // 0.9 × 85,520,809,984 = 76,968,728,985.6; minus 5,109,430,353.92 and 139,586,437.12
        // (0.13 GiB) = 71,719,712,194.56 usable.
        #expect(close(fit.reservedBytesPerGPU, 5_249_016_791.04))
        #expect(close(fit.usableBytesPerGPU, 71_719_712_194.56))
        // 32 layers × 2 (K and V) × 8 KV heads × 128 head dim × 2 bytes = 131,072 bytes per token.
        #expect(fit.kvBytesPerTokenPerGPU == Double(32 * 2 * 8 * 128 * 2))
        // (71,719,712,194.56 − 16.06e9) / (131,072 × 16) = 55,659,712,194.56 / 2,097,152 = 26,540.5
        // blocks -> 26,540 × 16 = 424,640 tokens.
        #expect(fit.kvCapacityTokens == 424_640)
        #expect(fit.fits)
        #expect(fit.shortfall(model: model, gpu: gpu, layout: ParallelLayout()) == nil)
    }

    @Test func a100UsesTheSmallerServeDefaults() throws {
        let model = try catalogModel("llama-3.1-8b")
        let gpu = try catalogGPU("A100-80GB")
        // vLLM keeps A100s (even with 80 GiB) at 256 sequences and 2,048 tokens.
        let profile = VLLMMemoryProfile(model: model, gpu: gpu, layout: ParallelLayout())
        #expect(profile.maxNumSeqs == 256 && profile.maxBatchedTokens == 2048)
        // 38.25 × 256 × 128,256 = 1,255,882,752 plus 2.56 × 2,048 × 4,096 = 21,474,836.48.
        #expect(close(profile.activationPeakBytes, 1_277_357_588.48))
        let fit = MemoryFit(model: model, gpu: gpu, layout: ParallelLayout())
        // 0.9 × 85,899,345,920 − 1,277,357,588.48 − 139,586,437.12 − 16.06e9 = 59,832,467,302.4;
        // / 2,097,152 = 28,530.4 blocks -> 456,480 tokens.
        #expect(fit.kvCapacityTokens == 456_480)
        // The same numbers with the defaults spelled out.
        let explicit = MemoryFit(
            model: model, gpu: gpu, layout: ParallelLayout(), memoryUtilization: 0.9, maxNumSeqs: 256, maxBatchedTokens: 2048)
        #expect(explicit == fit)
    }

    @Test func fewSequencesLetTheForwardPassSetThePeak() throws {
        // Llama-3.1-70B TP2 with 6 sequences: sampler 38.25 × 6 × 128,256 = 29,434,752 is below the
        // MLP transient 8,192 × 3 × (28,672 / 2) × 2 = 704,643,072; kept 2.56 × 8,192 × 8,192 =
        // 171,798,691.84. Non-torch 0.55 GiB (two GPUs).
        let profile = VLLMMemoryProfile(
            model: try catalogModel("llama-3.1-70b"), gpu: try catalogGPU("H100-80GB"),
            layout: ParallelLayout(tensorParallel: 2), maxNumSeqs: 6)
        #expect(close(profile.activationPeakBytes, 704_643_072 + 171_798_691.84))
        #expect(close(profile.nonTorchBytes, 0.55 * gibibyte))
        // More sequences than tokens: the sampler covers only as many sequences as tokens.
        let capped = VLLMMemoryProfile(
            model: try catalogModel("llama-3.1-8b"), gpu: try catalogGPU("H100-80GB"), layout: ParallelLayout(),
            maxNumSeqs: 1024, maxBatchedTokens: 512)
        // 38.25 × 512 × 128,256 = 2,511,765,504 plus 2.56 × 512 × 4,096 = 5,368,709.12.
        #expect(close(capped.activationPeakBytes, 2_517_134_213.12))
    }

    @Test func activationPeakMatchesVLLMsLoggedProfiles() throws {
        // vLLM 0.11 `vllm serve` on H100 (1,024 sequences, 8,192 tokens), activation peaks logged in
        // llm-d-benchmark's config_explorer/empirical-vllm-memory-results.md. gpt-oss-20b was not
        // used to fit the two constants.
        let qwen06B = ModelSpec(
            name: "qwen3-0.6b", layers: 28, hiddenSize: 1024, attentionHeads: 16, kvHeads: 8, headDim: 128,
            intermediateSize: 3072, vocabSize: 151_936, parameterCount: 0.6e9)
        let gptOSS20B = ModelSpec(
            name: "gpt-oss-20b", layers: 24, hiddenSize: 2880, attentionHeads: 64, kvHeads: 8, headDim: 64,
            intermediateSize: 2880, vocabSize: 201_088, parameterCount: 21e9,
            moe: MoESpec(moeLayers: 24, routedExperts: 32, expertsPerToken: 4, sharedExperts: 0, expertIntermediateSize: 2880))
        let h100 = try catalogGPU("H100-80GB")
        let logged: [(ModelSpec, Int, Double)] = [
            (try catalogModel("llama-3.1-8b"), 1, 4.76), (try catalogModel("llama-3.1-70b"), 2, 4.84),
            (try catalogModel("qwen3-32b"), 1, 5.64), (qwen06B, 1, 5.56), (gptOSS20B, 1, 7.38),
        ]
        for (model, tp, gib) in logged {
            let profile = VLLMMemoryProfile(model: model, gpu: h100, layout: ParallelLayout(tensorParallel: tp))
            #expect(abs(profile.activationPeakBytes / gibibyte - gib) < 0.015, "\(model.name): \(profile.activationPeakBytes / gibibyte) GiB")
        }
    }

    // MARK: Llama-3.1-70B on two H100s

    @Test func llama70BFitsOnTwoH100sWithASmallBatch() throws {
        let model = try catalogModel("llama-3.1-70b")
        let gpu = try catalogGPU("H100-80GB")
        let layout = ParallelLayout(tensorParallel: 2)
        // The old rule (80e9 × 0.9 − 2 GB = 70 GB usable) rejected 70.6 GB of weights per GPU.
        // 8 KV heads / TP2 = 4 per rank: 80 × 2 × 4 × 128 × 2 = 163,840 bytes per token.
        let small = MemoryFit(model: model, gpu: gpu, layout: layout, maxNumSeqs: 6)
        #expect(small.weightBytesPerGPU == 70.6e9)
        // 76,968,728,985.6 − 876,441,763.84 − 590,558,003.2 − 70.6e9 = 4,901,729,218.56 bytes;
        // / (163,840 × 16) = 1,869.9 blocks -> 29,904 tokens: six requests of 2,000 + 500 tokens
        // (15,000), where aiconfigurator 0.12.0 accepts batch 6 and not 7 (`aiconfigurator cli estimate
        // --model-path meta-llama/Meta-Llama-3.1-70B --system h100_sxm --backend vllm --tp-size 2
        // --batch-size 7 --isl 2000 --osl 500` warns that 7 exceeds its KV capacity).
        #expect(small.kvCapacityTokens == 29_904)
        #expect(small.kvCapacityTokens >= 6 * 2_500)
        // With vllm serve's 1,024 sequences the sampler's 4.7 GiB leave 582,841,282.56 bytes:
        // 222 blocks, 3,552 tokens. It still fits.
        let served = MemoryFit(model: model, gpu: gpu, layout: layout)
        #expect(served.kvCapacityTokens == 3_552)
        #expect(served.fits)
    }

    // MARK: Grouped-query attention

    @Test func llama70BTensorParallel4SplitsKVHeads() throws {
        let model = try catalogModel("llama-3.1-70b")
        let fit = MemoryFit(model: model, gpu: try catalogGPU("H100-80GB"), layout: ParallelLayout(tensorParallel: 4))
        // 70.6e9 × 2 bytes / 4 GPUs = 35.3e9 bytes per GPU.
        #expect(fit.weightBytesPerGPU == 35.3e9)
        // 8 KV heads / TP4 = 2 heads per rank: 80 layers × 2 × 2 heads × 128 × 2 bytes = 81,920.
        #expect(fit.kvBytesPerTokenPerGPU == Double(80 * 2 * 2 * 128 * 2))
        // Reserve: 5,023,531,008 + 171,798,691.84 + 590,558,003.2 = 5,785,887,703.04; usable
        // 71,182,841,282.56; free 35,882,841,282.56 / 1,310,720 = 27,376.1 blocks -> 438,016 tokens.
        #expect(close(fit.usableBytesPerGPU, 71_182_841_282.56))
        #expect(fit.kvCapacityTokens == 438_016)
    }

    @Test func llama70BTensorParallel8HasOneKVHeadPerRank() throws {
        let model = try catalogModel("llama-3.1-70b")
        let fit = MemoryFit(model: model, gpu: try catalogGPU("H100-80GB"), layout: ParallelLayout(tensorParallel: 8))
        // 141.2e9 bytes / 8 = 17.65e9.
        #expect(fit.weightBytesPerGPU == 17.65e9)
        // 8 KV heads / TP8 = 1 head per rank: 80 × 2 × 1 × 128 × 2 = 40,960.
        #expect(fit.kvBytesPerTokenPerGPU == Double(80 * 2 * 1 * 128 * 2))
        // (71,182,841,282.56 − 17.65e9) / 655,360 = 81,684.6 blocks -> 1,306,944 tokens.
        #expect(fit.kvCapacityTokens == 1_306_944)
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
        // (71,182,841,282.56 − 8.825e9) / 655,360 = 95,150.4 blocks -> 1,522,400 tokens.
        #expect(fit.kvCapacityTokens == 1_522_400)
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
        // Two GPUs: non-torch 0.55 GiB. 76,968,728,985.6 − 5,109,430,353.92 − 590,558,003.2 − 8.03e9
        // = 63,238,740,628.48; / 1,048,576 = 60,309.2 blocks -> 964,944 tokens.
        #expect(fit.kvCapacityTokens == 964_944)
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
        // H200: 143,771 MiB = 150,754,820,096 bytes; × 0.9 = 135,679,338,086.4. Sampler 38.25 × 1,024
        // × 129,280 = 5,063,639,040 (above the MoE transient 8,192 × 3 × (9 × 2,048) / 8 × 2);
        // kept 2.56 × 8,192 × 7,168 = 150,323,855.36; non-torch 0.55 GiB = 590,558,003.2.
        #expect(close(fit.usableBytesPerGPU, 129_874_817_187.84))
        #expect(fit.weightBytesPerGPU == 83.875e9)
        // (129,874,817,187.84 − 83.875e9) / (70,272 × 16) = 45,999,817,187.84 / 1,124,352 = 40,912.0
        // blocks -> 654,592 tokens.
        #expect(fit.kvCapacityTokens == 654_592)
    }

    // MARK: Not fitting

    @Test func llama405BDoesNotFitOnOneA100_40GB() throws {
        let model = try catalogModel("llama-3.1-405b")
        let gpu = try catalogGPU("A100-40GB")
        let layout = ParallelLayout()
        let fit = MemoryFit(model: model, gpu: gpu, layout: layout)
        // 405e9 × 2 = 810e9 bytes (754.4 GiB) of weights against 40,960 MiB × 0.9 = 38,654,705,664
        // less the reserve: 1,255,882,752 + 85,899,345.92 (2.56 × 2,048 × 16,384) + 139,586,437.12
        // -> 37,173,337,128.96 bytes (34.6 GiB) usable.
        #expect(fit.weightBytesPerGPU == 810e9)
        #expect(close(fit.usableBytesPerGPU, 37_173_337_128.96))
        #expect(!fit.fits)
        #expect(fit.kvCapacityTokens == 0)
        #expect(fit.shortfall(model: model, gpu: gpu, layout: layout) == "llama-3.1-405b on 1×A100-40GB (TP1·PP1) does not fit: "
            + "weights need 754.4 GiB per GPU, only 34.6 GiB usable per GPU")
    }

    @Test func shortfallShowsOneDecimal() throws {
        let model = try catalogModel("llama-3.1-70b")
        let gpu = try catalogGPU("H100-80GB")
        let layout = ParallelLayout()
        let fit = MemoryFit(model: model, gpu: gpu, layout: layout)
        // 141.2e9 bytes = 131.5 GiB of weights; usable 76,968,728,985.6 − 5,195,329,699.84 −
        // 139,586,437.12 = 71,633,812,848.64 bytes = 66.7 GiB.
        #expect(!fit.fits)
        #expect(fit.shortfall(model: model, gpu: gpu, layout: layout)
            == "llama-3.1-70b on 1×H100-80GB (TP1·PP1) does not fit: weights need 131.5 GiB per GPU, only 66.7 GiB usable per GPU")
    }

    @Test func customUtilizationAndReserve() throws {
        let model = try catalogModel("llama-3.1-8b")
        let fit = MemoryFit(
            model: model, gpu: try catalogGPU("H100-80GB"), layout: ParallelLayout(),
            memoryUtilization: 1, reservedBytes: 0)
        #expect(fit.usableBytesPerGPU == 85_520_809_984)
        // (85,520,809,984 − 16.06e9) / 2,097,152 = 33,121.2 blocks -> 529,936 tokens.
        #expect(fit.kvCapacityTokens == 529_936)
    }

    @Test func weightsThatFillMemoryExactlyLeaveNoCache() throws {
        // Weights equal to the usable memory: no room for a single block.
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
        // Room for 15 tokens is less than one 16-token block: still no cache.
        let almost = MemoryFit(
            model: model, gpu: gpu, layout: ParallelLayout(), memoryUtilization: 1,
            reservedBytes: 2e9 - 15 * fit.kvBytesPerTokenPerGPU)
        #expect(almost.kvCapacityTokens == 0)
        let oneBlock = MemoryFit(
            model: model, gpu: gpu, layout: ParallelLayout(), memoryUtilization: 1,
            reservedBytes: 2e9 - 16 * fit.kvBytesPerTokenPerGPU)
        #expect(oneBlock.kvCapacityTokens == 16)
    }

    @Test func absurdMemoryIsCappedInsteadOfTrapping() {
        // A GPU of 1e300 bytes: the token count saturates at 2^50 instead of overflowing an Int.
        let gpu = GPUSpec(
            name: "huge", bf16FLOPS: 1e12, memoryBytes: 1e300, memoryBandwidth: 1e12,
            nvlinkBandwidth: 1e11, networkBandwidth: 1e10)
        let model = ModelSpec(
            name: "toy", layers: 4, hiddenSize: 256, attentionHeads: 4, kvHeads: 4, headDim: 64,
            intermediateSize: 1024, vocabSize: 1000, parameterCount: 4e9)
        let fit = MemoryFit(model: model, gpu: gpu, layout: ParallelLayout())
        #expect(fit.kvCapacityTokens == 1 << 50)
    }

    // MARK: Layout shape

    @Test func layoutBasics() {
        let layout = ParallelLayout(tensorParallel: 4, pipelineParallel: 2)
        #expect(layout.gpuCount == 8)
        #expect(layout.description == "TP4·PP2")
        #expect(ParallelLayout().gpuCount == 1)
        // An absurd layout saturates instead of overflowing.
        #expect(ParallelLayout(tensorParallel: Int.max / 2, pipelineParallel: 3).gpuCount == Int.max)
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

        // A model without KV heads cannot be split (and does not divide by zero).
        let headless = ModelSpec(
            name: "headless", layers: 4, hiddenSize: 256, attentionHeads: 4, kvHeads: 0, headDim: 64,
            intermediateSize: 1024, vocabSize: 1000, parameterCount: 1e6)
        #expect(ParallelLayout(tensorParallel: 2).shapeProblem(for: headless)
            == "TP2 neither divides nor is a multiple of headless's 0 KV heads")

        // MLA has no per-head KV constraint: 128 heads, TP16 is fine.
        #expect(ParallelLayout(tensorParallel: 16).shapeProblem(for: try catalogModel("deepseek-v3")) == nil)
    }
}
