import Testing

@testable import ServingModel

private func v3AWQ(tensorParallel: Int = 8) throws -> RooflineModel {
    let model = try #require(Catalog.builtin.model(named: "deepseek-v3-awq"))
    let gpu = try #require(Catalog.builtin.gpu(named: "H100-80GB"))
    return RooflineModel(model: model, gpu: gpu, layout: ParallelLayout(tensorParallel: tensorParallel))
}

/// The checkpoint's model card (huggingface.co/cognitivecomputations/DeepSeek-V3-AWQ, 8 × H100/H200,
/// vLLM, TP 8): tokens per second per request → seconds per decode iteration.
@Test(arguments: [
    (streams: 1, context: 1_000, tokensPerSecond: 61.5),
    (streams: 32, context: 4_224, tokensPerSecond: 30.1),
    (streams: 1, context: 64_000, tokensPerSecond: 54.3),
])
func calibratedV3AWQMatchesThePublishedDecodeSpeeds(streams: Int, context: Int, tokensPerSecond: Double) throws {
    let roofline = try v3AWQ()
    let seconds = roofline.iterationSeconds(BatchShape(decodeStreams: streams, decodeContextTokens: streams * context))
    #expect(abs(seconds * tokensPerSecond - 1) < 0.05, "predicted \(seconds * 1e3) ms, published \(1e3 / tokensPerSecond) ms")
}

@Test func uncalibratedRooflineIsOverThreeTimesTooFastForV3AWQAtBatchOne() throws {
    var model = try v3AWQ().model
    model.moe?.kernelCost = nil
    let plain = RooflineModel(model: model, gpu: try v3AWQ().gpu, layout: ParallelLayout(tensorParallel: 8))
    let seconds = plain.iterationSeconds(BatchShape(decodeStreams: 1, decodeContextTokens: 1_000))
    #expect(seconds * 61.5 < 1.0 / 3)
}

@Test func fixedCostAddsOncePerMoELayerAndTrafficFactorScalesOnlyExpertWeights() throws {
    let calibrated = try v3AWQ()
    var model = calibrated.model
    let batch = BatchShape(decodeStreams: 1, decodeContextTokens: 1_000)
    func seconds(fixed: Double, factor: Double) -> Double {
        model.moe?.kernelCost = ExpertKernelCost(fixedSecondsPerLayer: fixed, weightTrafficFactor: factor)
        return RooflineModel(model: model, gpu: calibrated.gpu, layout: calibrated.layout).iterationSeconds(batch)
    }
    // 58 MoE layers: a fixed 1 ms per layer adds exactly 58 ms.
    #expect(abs(seconds(fixed: 1e-3, factor: 1) - seconds(fixed: 0, factor: 1) - 0.058) < 1e-12)
    // Batch 1 is memory-bound: doubling the expert traffic adds the expert weight bytes once more.
    // Per GPU and MoE layer: 9 experts (8 routed + 1 shared) × 3 × 7168 × 2048 / 8 parameters × 0.5 byte.
    let expertBytes = 58 * 9 * 3 * 7168 * 2048.0 / 8 * 0.5
    let perByte = 1 / (RooflineEfficiency.default.memoryBandwidth * calibrated.gpu.memoryBandwidth)
    #expect(abs((seconds(fixed: 0, factor: 2) - seconds(fixed: 0, factor: 1)) / (expertBytes * perByte) - 1) < 1e-6)
}
