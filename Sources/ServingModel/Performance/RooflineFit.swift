/// Least-squares fit of `RooflineEfficiency` to measured operation times.
///
/// The time of a call is linear in ten coefficients once we know, for each call, whether compute
/// or memory is the longer term: θ = (1/gemmCompute, 1/attentionCompute, queryOverheadKeys/
/// attentionCompute, 1/memoryBandwidth, streamOverheadTokens/memoryBandwidth,
/// 1/elementwiseBandwidth, kernel, attention and collective fixed seconds, 1/interconnect).
/// For a fixed `ridgeBlend` we alternate: assign each call its longer term under the current θ,
/// solve the weighted least-squares problem (weights 1/measured, so the residuals are relative
/// errors; `LeastSquaresFit`'s QR), repeat until the assignment no longer changes. `ridgeBlend` is chosen from a grid
/// by the same objective. A coefficient that no sample exercises keeps its starting value.
public enum RooflineFit {
    /// One measured call: its work on `gpu` took `measuredSeconds`.
    public struct Sample: Sendable {
        /// What the call does.
        public var work: OperationWork
        /// Where it ran.
        public var gpu: GPUSpec
        /// Measured seconds.
        public var measuredSeconds: Double

        /// Creates a sample.
        public init(work: OperationWork, gpu: GPUSpec, measuredSeconds: Double) {
            self.work = work
            self.gpu = gpu
            self.measuredSeconds = measuredSeconds
        }
    }

    /// The `ridgeBlend` values tried: 0, 0.05, …, 1.
    public static let ridgeBlendGrid: [Double] = (0...20).map { Double($0) / 20 }

    /// The efficiency factors that minimise the sum of squared relative errors over `samples`,
    /// starting from (and keeping unexercised factors of) `start`.
    public static func fit(_ samples: [Sample], start: RooflineEfficiency = .ideal) -> RooflineEfficiency {
        let features = Features(samples)
        var best: (error: Double, efficiency: RooflineEfficiency)?
        for blend in ridgeBlendGrid {
            let theta = features.solve(blend: blend, start: coefficients(of: start))
            let error = features.squaredRelativeError(theta: theta, blend: blend)
            if best == nil || error < best!.error {
                best = (error, efficiency(from: theta, blend: blend))
            }
        }
        return best?.efficiency ?? start
    }

    /// Number of linear coefficients θ.
    private static let parameterCount = 10

    /// Every sample's compute, memory and fixed features (each linear in θ), stored flat.
    private struct Features {
        /// Per sample: `parameterCount` compute, then memory, then fixed features.
        var values: [Double] = []
        var measured: [Double] = []

        init(_ samples: [Sample]) {
            let n = RooflineFit.parameterCount
            values.reserveCapacity(samples.count * 3 * n)
            for sample in samples {
                let work = sample.work, peak = sample.gpu.bf16FLOPS, bandwidth = sample.gpu.memoryBandwidth
                var row = Array(repeating: 0.0, count: 3 * n)
                row[0] = work.gemmFLOPs / peak
                row[1] = work.attentionFLOPs / peak
                row[2] = work.attentionQueryUnitFLOPs / peak
                row[n + 3] = work.memoryBytes / bandwidth
                row[n + 4] = work.decodeStreamUnitBytes / bandwidth
                row[n + 5] = work.elementwiseBytes / bandwidth
                row[2 * n + 6] = work.kernels
                row[2 * n + 7] = work.attentionCalls
                row[2 * n + 8] = work.collectives
                row[2 * n + 9] = work.linkBytes > 0 ? work.linkBytes / work.linkBandwidth : 0
                values += row
                measured.append(sample.measuredSeconds)
            }
        }

        /// Whether compute is the longer term of sample `index` under θ.
        func computeIsLonger(_ index: Int, theta: [Double]) -> Bool {
            let n = RooflineFit.parameterCount, base = index * 3 * n
            var compute = 0.0, memory = 0.0
            for j in 0..<n {
                compute += values[base + j] * theta[j]
                memory += values[base + n + j] * theta[j]
            }
            return compute >= memory
        }

        /// Sample `index`'s linear features: the longer term, `blend` × the shorter, the fixed part.
        func features(_ index: Int, computeLonger: Bool, blend: Double, into x: inout [Double]) {
            let n = RooflineFit.parameterCount, base = index * 3 * n
            let (longer, shorter) = computeLonger ? (base, base + n) : (base + n, base)
            for j in 0..<n { x[j] = values[longer + j] + blend * values[shorter + j] + values[base + 2 * n + j] }
        }

        /// Alternating weighted least squares for one `blend`.
        func solve(blend: Double, start: [Double]) -> [Double] {
            var theta = start
            var previous: [Bool] = []
            for _ in 0..<50 {
                let assignment = measured.indices.map { computeIsLonger($0, theta: theta) }
                if assignment == previous { break }
                previous = assignment
                theta = weightedLeastSquares(assignment: assignment, blend: blend, fallback: start)
            }
            return theta
        }

        /// Minimises Σ ((x·θ − t) / t)² by `LeastSquaresFit` (Householder QR) over the coefficients
        /// some sample exercises; the others, and all of them if the fit fails, keep `fallback`.
        func weightedLeastSquares(assignment: [Bool], blend: Double, fallback: [Double]) -> [Double] {
            let n = RooflineFit.parameterCount
            var rows: [[Double]] = []
            var exercised = [Bool](repeating: false, count: n)
            var x = Array(repeating: 0.0, count: n)
            for index in measured.indices where measured[index] > 0 {
                features(index, computeLonger: assignment[index], blend: blend, into: &x)
                rows.append(x.map { $0 / measured[index] })
                for j in 0..<n where x[j] != 0 { exercised[j] = true }
            }
            let columns = (0..<n).filter { exercised[$0] }
            guard !columns.isEmpty,
                  let fit = try? LeastSquaresFit(
                    design: rows.map { row in columns.map { row[$0] } }, response: [Double](repeating: 1, count: rows.count))
            else { return fallback }
            var theta = fallback
            for (k, j) in columns.enumerated() { theta[j] = fit.coefficients[k] }
            return theta
        }

        func squaredRelativeError(theta: [Double], blend: Double) -> Double {
            var x = Array(repeating: 0.0, count: RooflineFit.parameterCount)
            var sum = 0.0
            for index in measured.indices {
                features(index, computeLonger: computeIsLonger(index, theta: theta), blend: blend, into: &x)
                let relative = zip(x, theta).reduce(0) { $0 + $1.0 * $1.1 } / measured[index] - 1
                sum += relative * relative
            }
            return sum
        }
    }

    private static func coefficients(of e: RooflineEfficiency) -> [Double] {
        [
            1 / e.gemmCompute, 1 / e.attentionCompute, e.attentionQueryOverheadKeys / e.attentionCompute,
            1 / e.memoryBandwidth, e.decodeStreamOverheadTokens / e.memoryBandwidth, 1 / e.elementwiseBandwidth,
            e.kernelOverheadSeconds, e.attentionOverheadSeconds, e.collectiveLatencySeconds, 1 / e.interconnect,
        ]
    }

    private static func efficiency(from theta: [Double], blend: Double) -> RooflineEfficiency {
        RooflineEfficiency(
            gemmCompute: 1 / theta[0], attentionCompute: 1 / theta[1], attentionQueryOverheadKeys: theta[2] / theta[1],
            memoryBandwidth: 1 / theta[3], decodeStreamOverheadTokens: theta[4] / theta[3],
            elementwiseBandwidth: 1 / theta[5], ridgeBlend: blend, kernelOverheadSeconds: theta[6],
            attentionOverheadSeconds: theta[7], collectiveLatencySeconds: theta[8], interconnect: 1 / theta[9]
        )
    }
}
