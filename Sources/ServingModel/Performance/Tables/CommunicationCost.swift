/// Which all-reduce a tensor-parallel replica is charged (`engine.allReduce`).
///
/// - `roofline`: `RooflineModel`'s term, a ring all-reduce's link bytes (2(n−1)/n × message) over
///   NVLink at the fitted `interconnect` efficiency plus `collectiveLatencySeconds` per call. Its
///   two constants were fitted to vLLM's custom all-reduce (aiconfigurator's H200 table), so it
///   models what vLLM serves with.
/// - `nccl`: the measured NCCL all-reduce of the profile, interpolated by message size (Vidur's
///   `all_reduce.csv`, or aiconfigurator's `comm_nccl_*` table): eager NCCL calls, ring or tree as
///   NCCL chose when it was measured. What Vidur charges.
/// - `custom`: vLLM's custom all-reduce under CUDA graphs: aiconfigurator's `comm_*custom_allreduce*`
///   table (backend `vllm_graph`) where the profile has it; otherwise the latency + bandwidth model
///   of `roofline` (fitted to that very table: about 5 µs per call plus the link time).
///
/// Defaults: `roofline` without a profile (today's behaviour); `nccl` with a Vidur profile (its
/// tables are eager NCCL and that is what Vidur charges, so the same tables give the same costs);
/// `custom` with an aiconfigurator profile (vLLM captures CUDA graphs with its custom all-reduce,
/// and aiconfigurator measured it).
public enum AllReduceAlgorithm: String, Sendable, Hashable, CaseIterable {
    case roofline, nccl, custom
}

/// Seconds of one collective or point-to-point call as a function of its message size in bytes:
/// an interpolated measured table (if any) plus a fixed latency plus a per-byte time. Affine
/// models (the roofline's) leave `table` nil; measured ones set `fixedSeconds` only for an extra
/// per-call charge the table does not contain (Vidur's NCCL launch overhead).
struct CommunicationCost: Sendable, Hashable {
    /// Measured seconds by message bytes.
    var table: PiecewiseLinear?
    /// Seconds added to every call.
    var fixedSeconds: Double = 0
    /// Seconds per message byte.
    var secondsPerByte: Double = 0

    @inline(__always)
    func seconds(bytes: Double) -> Double {
        (table?(bytes) ?? 0) + fixedSeconds + bytes * secondsPerByte
    }

    /// The roofline's ring all-reduce over `ranks` GPUs (see `RooflineModel.allReduceWork`).
    static func rooflineAllReduce(_ roofline: RooflineModel, ranks: Int) -> CommunicationCost {
        let work = roofline.allReduceWork(messageBytes: 1, ranks: ranks)
        let efficiency = roofline.efficiency
        return CommunicationCost(
            fixedSeconds: efficiency.collectiveLatencySeconds,
            secondsPerByte: work.linkBytes / (work.linkBandwidth * efficiency.interconnect))
    }

    /// The roofline's stage-to-stage transfer (see `RooflineModel.pipelineTransferWork`).
    static func rooflineTransfer(_ roofline: RooflineModel) -> CommunicationCost {
        let work = roofline.pipelineTransferWork(messageBytes: 1)
        let efficiency = roofline.efficiency
        return CommunicationCost(
            fixedSeconds: efficiency.collectiveLatencySeconds,
            secondsPerByte: work.linkBytes / (work.linkBandwidth * efficiency.interconnect))
    }
}
