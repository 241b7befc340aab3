import Foundation

/// Compares `RooflineModel`'s per-operation times with measured kernel times and fits its
/// efficiency factors to them.
///
/// Measured data (paths relative to `dataDirectory`, the repository's `data/` folder):
/// - `profiles/vidur-a100-llama3-8b/mlp.csv`: Llama-3-8B per-operation times on A100-80GB (Vidur),
///   by token count and TP 1–8;
/// - `profiles/aiconfigurator-h200-vllm/gemm_*.csv`, `attention_*context*.csv`,
///   `attention_*generation*.csv`, `comm_*custom_allreduce*.csv`: H200 GEMMs, FlashAttention-3
///   prefill and decode attention and vLLM's custom all-reduce (aiconfigurator, vLLM 0.24);
/// - `profiles/nccl/{a100,h100}_dgx_all_reduce.csv`: NCCL all-reduce on A100 and H100 nodes (Vidur).
///
/// Every measured row becomes the matching operation of a `RooflineModel`: GEMM rows whose
/// (n, k) is a projection of a catalog model (dense, grouped-query) at TP 1, 2, 4 or 8 become that
/// projection for m tokens; attention rows whose per-GPU heads match such a model become its
/// prefill or decode attention. See `MeasuredOperation.servingRelevant` for the shapes the error
/// targets apply to.
public enum RooflineValidation {
    /// Loads every measured row that maps to a roofline operation.
    public static func measurements(dataDirectory: String) throws -> [MeasuredOperation] {
        try MeasuredData(directory: dataDirectory).all()
    }

    /// Relative-error distributions of `efficiency`'s predictions, per GPU and operation.
    public static func errors(of measurements: [MeasuredOperation], efficiency: RooflineEfficiency) -> [OperationErrors] {
        var groups: [String: (gpu: String, operation: RooflineOperation, relevant: [Double], all: [Double])] = [:]
        for measured in measurements {
            let predicted = efficiency.seconds(for: measured.work, on: measured.gpu)
            let error = abs(predicted / measured.measuredSeconds - 1)
            let key = measured.gpu.name + "/" + measured.operation.rawValue
            var group = groups[key] ?? (measured.gpu.name, measured.operation, [], [])
            group.all.append(error)
            if measured.servingRelevant { group.relevant.append(error) }
            groups[key] = group
        }
        return groups.values
            .map { OperationErrors(gpu: $0.gpu, operation: $0.operation, relevant: ErrorDistribution($0.relevant), all: ErrorDistribution($0.all)) }
            .sorted { ($0.gpu, $0.operation.sortIndex) < ($1.gpu, $1.operation.sortIndex) }
    }

    /// The least-squares fit (`RooflineFit`, started from `RooflineEfficiency.ideal`) to the
    /// serving-relevant measurements marked `usedForFit`.
    public static func fit(_ measurements: [MeasuredOperation]) -> RooflineEfficiency {
        let samples = measurements.filter { $0.servingRelevant && $0.usedForFit }
            .map { RooflineFit.Sample(work: $0.work, gpu: $0.gpu, measuredSeconds: $0.measuredSeconds) }
        return RooflineFit.fit(samples)
    }

    /// Loads the data, fits the factors, and reports the errors of `efficiency` (by default the
    /// shipped `RooflineEfficiency.default`) and of the fresh fit.
    public static func run(dataDirectory: String, efficiency: RooflineEfficiency = .default) throws -> RooflineValidationReport {
        let measured = try measurements(dataDirectory: dataDirectory)
        let fitted = fit(measured)
        return RooflineValidationReport(
            efficiency: efficiency, errors: errors(of: measured, efficiency: efficiency),
            fitted: fitted, fittedErrors: errors(of: measured, efficiency: fitted)
        )
    }
}

/// One measured call of one operation, with the roofline work of the same call.
public struct MeasuredOperation: Sendable {
    /// The GPU it ran on (a catalog entry).
    public var gpu: GPUSpec
    /// The roofline operation it corresponds to.
    public var operation: RooflineOperation
    /// The roofline work of the call, from `RooflineModel`.
    public var work: OperationWork
    /// Measured seconds.
    public var measuredSeconds: Double
    /// Whether the shape is one that matters in serving; the error targets apply to these:
    /// matmuls and element-wise ops for 1–4,096 tokens (A100 Llama-3-8B only at TP 1–4: at TP 8 an
    /// 8B model is not a serving configuration); prefill attention for prompts of 16–8,192 tokens
    /// and at most 16,384 tokens per call; decode attention for up to 256 streams of up to 8,192
    /// context tokens; all-reduce messages of 8 KB–64 MB (1–4,096 tokens of a 4,096–8,192 hidden state).
    public var servingRelevant: Bool
    /// Whether the fit uses it: everything except the NCCL all-reduce of Vidur's A100/H100 runs,
    /// which are eager NCCL calls, not the CUDA-graph custom all-reduce vLLM serves with.
    public var usedForFit: Bool
}

/// Median, 90th percentile and largest of a set of relative errors.
public struct ErrorDistribution: Sendable, Hashable {
    /// Number of errors.
    public var count: Int
    /// Median relative error (0 when empty).
    public var median: Double
    /// 90th percentile (linear interpolation between order statistics; 0 when empty).
    public var p90: Double
    /// Largest relative error (0 when empty).
    public var max: Double

    /// Summarises `errors`.
    public init(_ errors: [Double]) {
        let sorted = errors.sorted()
        count = sorted.count
        median = Self.quantile(sorted, 0.5)
        p90 = Self.quantile(sorted, 0.9)
        max = sorted.last ?? 0
    }

    /// The q-quantile of sorted values, interpolating linearly (numpy's default).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        return sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}

/// The errors of one operation on one GPU.
public struct OperationErrors: Sendable, Hashable {
    /// GPU catalog name.
    public var gpu: String
    /// Operation.
    public var operation: RooflineOperation
    /// Over the serving-relevant shapes.
    public var relevant: ErrorDistribution
    /// Over every measured shape that maps to the operation.
    public var all: ErrorDistribution
}

/// What `RooflineValidation.run` found.
public struct RooflineValidationReport: Sendable {
    /// The efficiency factors evaluated.
    public var efficiency: RooflineEfficiency
    /// Their errors per GPU and operation.
    public var errors: [OperationErrors]
    /// The factors fitted to the data now.
    public var fitted: RooflineEfficiency
    /// The fitted factors' errors.
    public var fittedErrors: [OperationErrors]

    /// The errors of `operation` on the GPU named `gpu`, if measured.
    public func errors(gpu: String, operation: RooflineOperation) -> OperationErrors? {
        errors.first { $0.gpu == gpu && $0.operation == operation }
    }

    /// A fixed-width table of `errors` (relative errors in percent).
    public var table: String {
        func percent(_ value: Double) -> String { String(format: "%6.1f", 100 * value) }
        var lines = ["gpu         operation                 n  median    p90    max  |  n all median    p90"]
        for row in errors {
            let name = row.operation.rawValue.padding(toLength: 24, withPad: " ", startingAt: 0)
            let gpu = row.gpu.padding(toLength: 11, withPad: " ", startingAt: 0)
            lines.append(
                "\(gpu) \(name)" + String(format: "%5d", row.relevant.count)
                    + " \(percent(row.relevant.median)) \(percent(row.relevant.p90)) \(percent(row.relevant.max))  |"
                    + String(format: "%6d", row.all.count) + " \(percent(row.all.median)) \(percent(row.all.p90))"
            )
        }
        return lines.joined(separator: "\n")
    }
}

extension RooflineOperation {
    /// Position in `allCases`, for stable report order.
    var sortIndex: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}
