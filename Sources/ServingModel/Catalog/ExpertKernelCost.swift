/// What a checkpoint's expert kernels cost beyond the roofline's operation counts, measured for
/// one weight format and engine (for example INT4 AWQ weights run by Marlin MoE kernels, whose
/// routing, alignment and de-quantisation work the FLOP and byte counts do not see).
///
/// `RooflineModel` charges it on every MoE layer of every iteration: `fixedSecondsPerLayer` on
/// the critical path, and the routed and shared experts' weight bytes multiplied by
/// `weightTrafficFactor` (the share of peak bandwidth these kernels reach, relative to the
/// roofline's fitted `RooflineEfficiency.memoryBandwidth`, is its reciprocal).
public struct ExpertKernelCost: Sendable, Hashable, Codable {
    /// Seconds added per MoE layer and iteration, whatever the batch.
    public var fixedSecondsPerLayer: Double
    /// Multiplier (≥ 1 when the kernels are slower than dense ones) on the expert weight bytes.
    public var weightTrafficFactor: Double

    /// A measured cost; see the properties.
    public init(fixedSecondsPerLayer: Double, weightTrafficFactor: Double) {
        self.fixedSecondsPerLayer = fixedSecondsPerLayer
        self.weightTrafficFactor = weightTrafficFactor
    }
}
