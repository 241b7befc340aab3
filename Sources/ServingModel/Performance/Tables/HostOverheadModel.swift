/// `Base`'s iteration time plus a fixed host (CPU) time per non-empty iteration
/// (`engine.hostOverheadSeconds`): scheduling, input preparation, sampling and output processing
/// that the GPU waits for when the engine does not overlap them.
///
/// The default is 0 s: Vidur 0.0.26 charges none (its `ExecutionTime.total_time` is the model time
/// only; the CPU-overhead terms of older releases are gone), and neither does GPUSched's roofline,
/// so results stay comparable with both unless a scenario asks. Generic over `Base`, so the
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
