import Foundation
import ServingModel

/// aiconfigurator 0.12.0's static ("zero-queue") estimate of one aggregated vLLM worker at one
/// (batch, context tokens) point, with GPUSched's roofline in place of its kernel database.
///
/// Followed from its source (`aiconfigurator_core/sdk/backends/base_backend.py`, `run_agg`, and
/// the vLLM overrides in `vllm_backend.py`), for one ISL and OSL:
/// - steps to finish the context: ⌈ISL · b / ctx⌉; a mixed step carries `ctx` prompt tokens and
///   max(1, b − ⌈ctx / ISL⌉) decodes (`_mix_step_gen_tokens`, vLLM's one partial prefill); when
///   those steps are fewer than OSL, OSL − steps generation-only steps of b decodes follow; b = 1
///   is one context step and OSL − 1 decode steps;
/// - TTFT = (mixed step × ⌈ISL / ctx⌉ + 0.8 ms × layers) × min(1 + log2(b) / 8, 2)
///   (`_prefill_dispatch_overhead_ms`, `_ttft_queuing_factor`);
/// - TPOT = the step-weighted mean of the mixed and generation-only steps;
/// - output tokens/s = min(b (OSL − 1) / total step time, b (OSL − 1) / (TTFT + TPOT (OSL − 1)))
///   (`_throughput_cap`), requests/s = that / (OSL − 1), tokens/s/GPU = that / GPUs.
/// Decode streams are charged a context of ISL + OSL / 2 tokens (the mean over a decode).
struct AIConfiguratorEstimate: Hashable {
    var batch: Int
    var contextTokens: Int
    var ttft: Double
    var tpot: Double
    /// Requests per second of one worker (aiconfigurator's `seq/s`).
    var requestsPerSecond: Double
    /// Output tokens per second per GPU (`tokens/s/gpu`).
    var tokensPerGPU: Double

    /// aiconfigurator's aggregated batch schedule (`_DEFAULT_AGG_BATCH_SCHEDULE`, `sdk/sweep.py`),
    /// cut at `max_batch_size = 512` as `cli default` calls it (`sdk/pareto_analysis.py`).
    static let batchSchedule: [Int] = Array(1..<16) + Array(stride(from: 16, to: 32, by: 4))
        + Array(stride(from: 32, to: 64, by: 8)) + Array(stride(from: 64, to: 256, by: 16))
        + Array(stride(from: 256, to: 512, by: 32)) + [512]

    /// The context-token grid without chunked prefill (`_agg_ctx_tokens_list`, `sdk/sweep.py`,
    /// `ctx_stride = 512`, `enable_chunked_prefill = False` as `cli default` runs).
    static func contextTokenGrid(isl: Int) -> [Int] {
        let isl = max(1, isl)
        let normal = 8192
        let maximum = max(normal, 2 * isl)
        let stride = max(isl, max(512, normal / 16))
        let largeBase = max(1024, max(512, normal / 16), maximum / 8)
        let strideLarge = Int((Double(largeBase) / Double(isl)).rounded(.up)) * isl
        var grid: [Int] = []
        var tokens = 0
        while true {
            tokens += tokens < normal ? stride : strideLarge
            if tokens > maximum { break }
            grid.append(tokens)
        }
        for multiple in 1...2 where !grid.contains(isl * multiple) { grid.append(isl * multiple) }
        return grid.sorted()
    }

    /// The estimate at batch `b` and `ctx` context tokens per step on `roofline`; nil when the
    /// point is outside aiconfigurator's guards (`b − ⌈ctx / ISL⌉` below 0, or below 1 for b > 1).
    static func estimate(
        roofline: RooflineModel, layers: Int, gpus: Int, isl: Int, osl: Int, batch b: Int, contextTokens ctx: Int
    ) -> AIConfiguratorEstimate? {
        let isl = max(1, isl), osl = max(1, osl)
        let promptsPerStep = Int((Double(ctx) / Double(isl)).rounded(.up))
        if b - promptsPerStep < 0 || (b > 1 && b - promptsPerStep < 1) { return nil }
        let decodeIterations = Double(osl)
        let stepsToFinishContext = (Double(isl) * Double(b) / Double(ctx)).rounded(.up)
        let mixDecodes: Int, mixSteps: Double, genSteps: Double, genStreams: Int, tpotMixSteps: Double
        if b > 1 {
            mixDecodes = max(1, b - promptsPerStep)
            mixSteps = stepsToFinishContext
            genSteps = stepsToFinishContext >= decodeIterations ? 0 : decodeIterations - stepsToFinishContext
            genStreams = b
            tpotMixSteps = mixSteps
        } else {
            mixDecodes = 0
            mixSteps = 1
            genSteps = max(decodeIterations - 1, 0)
            genStreams = 1
            tpotMixSteps = 0
        }
        let decodeContext = isl + osl / 2
        var mixed = BatchShape(decodeStreams: mixDecodes, decodeContextTokens: mixDecodes * decodeContext)
        var left = ctx
        while left > 0 {
            mixed.addPrefillChunk(tokens: min(isl, left), context: 0)
            left -= isl
        }
        let mixSeconds = roofline.iterationSeconds(mixed)
        let genSeconds = genSteps > 0
            ? roofline.iterationSeconds(BatchShape(decodeStreams: genStreams, decodeContextTokens: genStreams * decodeContext)) : 0
        let queueing = b <= 1 ? 1.0 : min(1 + log2(Double(b)) / 8, 2)
        let ttft = (mixSeconds * (Double(isl) / Double(ctx)).rounded(.up) + 0.8e-3 * Double(layers)) * queueing
        let tpotSteps = tpotMixSteps + genSteps
        let tpot = tpotSteps > 0 ? (mixSeconds * tpotMixSteps + genSeconds * genSteps) / tpotSteps : 0
        let total = mixSteps * mixSeconds + genSteps * genSeconds
        let outputs = Double(b) * Double(max(osl - 1, 0))
        let stepThroughput = osl > 1 && total > 0 ? outputs / total : 0
        let latency = ttft + tpot * Double(max(osl - 1, 0))
        let throughput = latency > 0 ? min(stepThroughput, outputs / latency) : stepThroughput
        let requests = osl > 1 ? throughput / Double(osl - 1) : 0
        return AIConfiguratorEstimate(
            batch: b, contextTokens: ctx, ttft: ttft, tpot: tpot, requestsPerSecond: requests,
            tokensPerGPU: throughput / Double(max(1, gpus)))
    }
}
