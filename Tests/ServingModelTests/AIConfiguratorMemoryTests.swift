import Testing

@testable import ServingModel

// KV-cache capacities against NVIDIA aiconfigurator 0.12.0's vLLM memory rule, for the layouts whose
// data ship in data/ (Llama-3.1-8B and -70B on H100, Qwen3-32B on H200).
//
// How the reference numbers were obtained: in a venv with `pip install aiconfigurator==0.12.0`
// (aiconfigurator-core 0.12.0), running
//     from aiconfigurator_core.sdk.memory import estimate_kv_cache
//     estimate_kv_cache(MODEL, SYSTEM, "vllm", "0.24.0", max_num_tokens=8192, max_batch_size=1024,
//                       memory_fraction_kind="of_total", memory_fraction_value=0.9, tp_size=TP)
// with MODEL "meta-llama/Meta-Llama-3.1-8B" / "meta-llama/Meta-Llama-3.1-70B" on SYSTEM "h100_sxm"
// and "Qwen/Qwen3-32B" on "h200_sxm"; recorded: `total_kv_size_tokens`, `total_kv_size_bytes` and
// `kv_size_per_token_bytes`.
// That rule is 0.9 × mem_capacity (80 GiB; 141 GiB for H200) minus weights, activations
// (2 × 8,192 tokens × hidden × a per-TP coefficient), NCCL (0 / 342 / 392 MiB) and 3.5 GiB of
// "other" memory. GPUSched's (vLLM's own) rule, same 0.9 and the same vllm serve limits, is 0.9 ×
// the driver-reported memory (81,559 / 143,771 MiB) minus weights, the profiled activation peak
// (4.8–5.6 GiB here) and 0.13–0.55 GiB of non-torch memory: 1.0–1.4 GiB less cache per GPU than
// aiconfigurator's on H100 and 1.5–2.2 GiB on H200 (where it also counts 141 GiB for the driver's
// 140.4), whatever the layout.

private struct AIConfiguratorKV: CustomTestStringConvertible {
    var model: String
    var gpu: String
    var tensorParallel: Int
    var tokens: Int
    var bytes: Double
    var perToken: Double

    var testDescription: String { "\(model) TP\(tensorParallel) on \(gpu)" }
}

private let references = [
    AIConfiguratorKV(
        model: "llama-3.1-8b", gpu: "H100-80GB", tensorParallel: 1, tokens: 432_992, bytes: 56_753_127_424, perToken: 131_072),
    AIConfiguratorKV(
        model: "llama-3.1-8b", gpu: "H100-80GB", tensorParallel: 2, tokens: 987_648, bytes: 64_726_499_328, perToken: 65_536),
    AIConfiguratorKV(
        model: "llama-3.1-8b", gpu: "H100-80GB", tensorParallel: 4, tokens: 2_099_296, bytes: 68_789_731_328, perToken: 32_768),
    AIConfiguratorKV(
        model: "llama-3.1-8b", gpu: "H100-80GB", tensorParallel: 8, tokens: 4_321_120, bytes: 70_797_230_080, perToken: 16_384),
    AIConfiguratorKV(
        model: "llama-3.1-70b", gpu: "H100-80GB", tensorParallel: 2, tokens: 10_790, bytes: 1_767_899_136, perToken: 163_840),
    AIConfiguratorKV(
        model: "llama-3.1-70b", gpu: "H100-80GB", tensorParallel: 4, tokens: 454_016, bytes: 37_192_990_720, perToken: 81_920),
    AIConfiguratorKV(
        model: "llama-3.1-70b", gpu: "H100-80GB", tensorParallel: 8, tokens: 1_338_649, bytes: 54_831_087_616, perToken: 40_960),
    AIConfiguratorKV(
        model: "qwen3-32b", gpu: "H200-141GB", tensorParallel: 1, tokens: 249_864, bytes: 65_500_453_273, perToken: 262_144),
    AIConfiguratorKV(
        model: "qwen3-32b", gpu: "H200-141GB", tensorParallel: 2, tokens: 751_550, bytes: 98_507_266_457, perToken: 131_072),
    AIConfiguratorKV(
        model: "qwen3-32b", gpu: "H200-141GB", tensorParallel: 4, tokens: 1_755_323, bytes: 115_036_887_449, perToken: 65_536),
    AIConfiguratorKV(
        model: "qwen3-32b", gpu: "H200-141GB", tensorParallel: 8, tokens: 3_760_597, bytes: 123_227_249_049, perToken: 32_768),
]

private let gibibyte = 1_073_741_824.0

private func fit(_ reference: AIConfiguratorKV) throws -> MemoryFit {
    let model = try #require(Catalog.builtin.model(named: reference.model))
    let gpu = try #require(Catalog.builtin.gpu(named: reference.gpu))
    return MemoryFit(model: model, gpu: gpu, layout: ParallelLayout(tensorParallel: reference.tensorParallel))
}

/// Where the cache is more than a few GiB, the two rules' token capacities agree within 5%.
@Test(arguments: references.filter { $0.bytes > 10 * gibibyte })
private func kvCapacityAgreesWithAIConfigurator(_ reference: AIConfiguratorKV) throws {
    let fit = try fit(reference)
    let ratio = Double(fit.kvCapacityTokens) / Double(reference.tokens)
    #expect(abs(ratio - 1) < 0.05, "GPUSched \(fit.kvCapacityTokens) tokens, aiconfigurator \(reference.tokens)")
}

/// Every layout, TP2 for 70B included (1.6 GiB of cache in aiconfigurator, 0.5 GiB here, where a
/// ratio means little): both fit, and the cache per GPU differs by the same 1.0–2.2 GiB.
@Test(arguments: references)
private func kvBytesDifferByTheSameFewGiB(_ reference: AIConfiguratorKV) throws {
    let fit = try fit(reference)
    #expect(fit.fits)
    let cacheBytes = fit.usableBytesPerGPU - fit.weightBytesPerGPU
    let difference = (reference.bytes - cacheBytes) / gibibyte
    #expect(difference > 0.9 && difference < 2.4, "aiconfigurator − GPUSched = \(difference) GiB per GPU")
}

/// Both tools size one token's KV cache on one GPU the same way.
@Test(arguments: references)
private func kvBytesPerTokenAgreeWithAIConfigurator(_ reference: AIConfiguratorKV) throws {
    let fit = try fit(reference)
    #expect(fit.kvBytesPerTokenPerGPU == reference.perToken)
}
