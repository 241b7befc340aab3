/// `Base`'s iteration time plus a fixed host (CPU) time per non-empty iteration
/// (`engine.hostOverheadSeconds`): scheduling, input preparation, sampling and output processing
/// that the GPU waits for when the engine does not overlap them.
///
/// The default is 0 s: Vidur 0.0.26 charges none (its `ExecutionTime.total_time` is the model time
/// only; the CPU-overhead terms of older releases are gone), neither does aiconfigurator per decode
/// step, nor GPUSched's roofline, so results stay comparable with all of them unless a scenario
/// asks; and vLLM's V1 engine overlaps scheduling and output processing with the GPU.
///
/// Recommended value for an engine that does NOT overlap them (vLLM V0 era): 0.002 s. Source:
/// Vidur's own measurement of vLLM on A100 (microsoft/vidur `data/profiling/a100/cpu_overheads.csv`,
/// Llama-2-7B, TP 1): the medians of schedule + sampler (end to end) + prepare inputs (end to end) +
/// process model outputs sum to 1.97 ms at batch 8, 4.62 ms at batch 32 and 7.59 ms at batch 64
/// (0.165 + 0.888 + 0.293 + 0.624; 0.580 + 1.126 + 0.671 + 2.246; 0.952 + 1.370 + 1.163 + 4.108), the
/// terms older Vidur releases added per iteration. 2 ms is the small-batch figure; a scenario with
/// large batches on such an engine may set up to the batch-64 figure. Generic over `Base`, so the
/// simulator's hot path stays one indirect call.
///
/// ```swift
/// let model = HostOverheadModel(base: RooflineModel(model: llama, gpu: h100, layout: ParallelLayout()), seconds: 0.002)
/// ```
public struct HostOverheadModel<Base: IterationTimeModel>: IterationTimeModel {
    /// The GPU-time model.
    public let base: Base
    /// Seconds added to every non-empty iteration.
    public let seconds: Double

    /// Wraps `base`.
    public init(base: Base, seconds: Double) {
        self.base = base
        self.seconds = seconds
    }

    public func iterationSeconds(_ batch: BatchShape) -> Double {
        batch.isEmpty ? 0 : base.iterationSeconds(batch) + seconds
    }
}
