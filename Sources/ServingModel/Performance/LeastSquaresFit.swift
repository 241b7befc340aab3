/// An ordinary least-squares fit y ≈ Xβ, with R² and the spread of its residuals.
///
/// The solve is a Householder QR factorisation of X, not the normal equations XᵀX β = Xᵀy: QR
/// works on X itself, so the condition number is not squared (prefill tokens in the thousands
/// next to a column of ones would cost the normal equations about eight digits). A column that
/// is, to 1 part in 10¹⁰, a combination of the earlier ones is an error, not a silent answer.
///
/// ```swift
/// let fit = try LeastSquaresFit.line(x: [128, 256, 512], y: [0.0253, 0.0333, 0.0491])
/// fit.coefficients   // [intercept, slope]
/// fit.rSquared
/// ```
public struct LeastSquaresFit: Sendable, Hashable, Codable {
    /// β, one per column of the design.
    public var coefficients: [Double]
    /// Rows fitted (n).
    public var observations: Int
    /// Σ (y − ŷ)².
    public var sumOfSquaredResiduals: Double
    /// 1 − SSE/SST, with SST the spread of y around its mean; meaningful when the design has a
    /// column of ones. 1 when every y is the same.
    public var rSquared: Double
    /// The spread of y − ŷ.
    public var residuals: ResidualSummary

    /// Fits `response` ≈ `design`·β, where each row of `design` holds one observation's regressors
    /// (include a 1 for an intercept).
    /// - Throws: `CalibrationError` for non-finite values, ragged rows, fewer rows than columns,
    ///   or columns that do not determine β.
    public init(design: [[Double]], response: [Double]) throws(CalibrationError) {
        let n = response.count
        guard let p = design.first?.count, p > 0, design.count == n else {
            throw CalibrationError("a least-squares fit needs as many design rows as responses and at least one column")
        }
        guard n >= p else { throw CalibrationError("a fit of \(p) coefficients needs at least \(p) observations, got \(n)") }
        for (row, values) in design.enumerated() {
            guard values.count == p else {
                throw CalibrationError("design row \(row + 1) has \(values.count) values, expected \(p)")
            }
            if let bad = values.first(where: { !$0.isFinite }) {
                throw CalibrationError("design row \(row + 1) holds a non-finite value (\(bad))")
            }
        }
        if let index = response.firstIndex(where: { !$0.isFinite }) {
            throw CalibrationError("observation \(index + 1) is not a finite number (\(response[index]))")
        }
        let beta = try Self.solve(design: design, response: response)
        let residuals = zip(design, response).map { row, y in y - zip(row, beta).reduce(0) { $0 + $1.0 * $1.1 } }
        let sse = residuals.reduce(0) { $0 + $1 * $1 }
        let mean = response.reduce(0, +) / Double(n)
        let sst = response.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        coefficients = beta
        observations = n
        sumOfSquaredResiduals = sse
        rSquared = sst > 0 ? 1 - sse / sst : 1
        self.residuals = ResidualSummary(residuals, parameters: p)
    }

    /// Fits y ≈ β₀ + β₁x; `coefficients` is [intercept, slope].
    /// - Throws: `CalibrationError` when x has fewer than 2 distinct values, or a value is not finite.
    public static func line(x: [Double], y: [Double]) throws(CalibrationError) -> LeastSquaresFit {
        guard x.count == y.count else { throw CalibrationError("x has \(x.count) values but y has \(y.count)") }
        if let index = x.firstIndex(where: { !$0.isFinite }) {
            throw CalibrationError("x value \(index + 1) is not a finite number (\(x[index]))")
        }
        let distinct = Set(x).count
        guard distinct >= 2 else { throw CalibrationError("a line needs at least 2 distinct x values, got \(distinct)") }
        return try LeastSquaresFit(design: x.map { [1, $0] }, response: y)
    }

    /// β from Householder QR: X = QR, then R β = Qᵀy by back substitution.
    private static func solve(design: [[Double]], response: [Double]) throws(CalibrationError) -> [Double] {
        let p = design[0].count
        // Column-major copy; the upper triangle becomes R, Qᵀ is applied to y on the way.
        var columns = (0..<p).map { j in design.map { $0[j] } }
        let originalNorms = columns.map { column in column.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        var y = response
        var diagonal = [Double](repeating: 0, count: p)
        for k in 0..<p {
            let norm = columns[k][k...].reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 1e-10 * originalNorms[k] else {
                throw CalibrationError("the fit is degenerate: regressor \(k + 1) is (nearly) constant or a "
                    + "combination of the others, so the coefficients are not determined")
            }
            let alpha = columns[k][k] > 0 ? -norm : norm
            var v = Array(columns[k][k...])
            v[0] -= alpha
            let vv = v.reduce(0) { $0 + $1 * $1 }
            func reflect(_ x: inout [Double]) {
                var dot = 0.0
                for i in 0..<v.count { dot += v[i] * x[k + i] }
                let scale = 2 * dot / vv
                for i in 0..<v.count { x[k + i] -= scale * v[i] }
            }
            for j in (k + 1)..<p { reflect(&columns[j]) }
            reflect(&y)
            diagonal[k] = alpha
        }
        var beta = [Double](repeating: 0, count: p)
        for k in stride(from: p - 1, through: 0, by: -1) {
            var sum = y[k]
            for j in (k + 1)..<p { sum -= columns[j][k] * beta[j] }
            beta[k] = sum / diagonal[k]
        }
        return beta
    }
}

/// The spread of a fit's residuals y − ŷ, in the units of y.
public struct ResidualSummary: Sendable, Hashable, Codable {
    /// √(SSE / (n − p)) with p fitted coefficients (for p = 1, the sample standard deviation);
    /// 0 when n = p, where no degree of freedom is left.
    public var standardDeviation: Double
    /// Median of |residual|.
    public var p50: Double
    /// 90th percentile of |residual|.
    public var p90: Double
    /// 99th percentile of |residual|.
    public var p99: Double
    /// Largest |residual|.
    public var maxAbsolute: Double

    /// Summarises `residuals` of a fit of `parameters` coefficients. Percentiles interpolate
    /// linearly between order statistics (Hyndman–Fan type 7, as NumPy and R by default).
    public init(_ residuals: [Double], parameters: Int) {
        let sse = residuals.reduce(0) { $0 + $1 * $1 }
        let freedom = residuals.count - parameters
        standardDeviation = freedom > 0 ? (sse / Double(freedom)).squareRoot() : 0
        let sorted = residuals.map(abs).sorted()
        func percentile(_ q: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let h = q * Double(sorted.count - 1)
            let low = Int(h.rounded(.down))
            let high = min(low + 1, sorted.count - 1)
            return sorted[low] + (h - Double(low)) * (sorted[high] - sorted[low])
        }
        p50 = percentile(0.5)
        p90 = percentile(0.9)
        p99 = percentile(0.99)
        maxAbsolute = sorted.last ?? 0
    }
}

// MARK: - Iteration-time laws

/// Fits of the iteration-time laws of `FittedIterationLaw` to measured iterations.
///
/// - `mixed`: τ = α + β·C by OLS on the iterations with a prefill chunk (C = prefill tokens,
///   decodes ignored), as the gate-and-route paper fits it;
/// - `solo`: γ = 1/mean(τ) over the decode-only iterations, the paper's empirical mean;
/// - `hinge`: τ = c + a·max(0, b − b0) over every iteration, by OLS of (c, a) for each candidate
///   knee b0 among the measured batch sizes b, keeping the one with the least squared error;
/// - `report`: all three, and the law a calibration should carry.
public enum IterationLawFit {
    /// τ_mix = α + β·C.
    public struct Mixed: Sendable, Hashable, Codable {
        /// Intercept, seconds.
        public var alpha: Double
        /// Seconds per prefill token.
        public var beta: Double
        /// The regression (coefficients [α, β]).
        public var fit: LeastSquaresFit
    }

    /// τ_solo = 1/γ.
    public struct Solo: Sendable, Hashable, Codable {
        /// Decode tokens per second of one stream: 1 / mean seconds.
        public var gamma: Double
        /// Mean seconds of a decode-only iteration.
        public var meanSeconds: Double
        /// Decode-only iterations used.
        public var observations: Int
        /// Spread around the mean (standard deviation with n − 1 degrees of freedom).
        public var residuals: ResidualSummary
    }

    /// τ = c + a·max(0, b − b0).
    public struct Hinge: Sendable, Hashable, Codable {
        /// The fitted law.
        public var law: FittedIterationLaw
        /// The regression at the chosen knee (coefficients [c, a]).
        public var fit: LeastSquaresFit
    }

    /// Every fit the samples allow, and the law chosen for a calibration.
    public struct Report: Sendable, Hashable, Codable {
        /// How `law` was obtained.
        public enum Method: String, Sendable, Hashable, Codable {
            /// From `mixed` and `solo`, by `FittedIterationLaw(alpha:beta:gamma:)`.
            case paper
            /// The `hinge` fit.
            case hinge
        }

        /// The mixed fit, when there are 2 or more distinct chunk sizes.
        public var mixed: Mixed?
        /// The solo fit, when there are decode-only iterations.
        public var solo: Solo?
        /// The hinge fit, when it succeeds.
        public var hinge: Hinge?
        /// The law for a calibration.
        public var law: FittedIterationLaw
        /// Where `law` comes from.
        public var method: Method
        /// R² behind `law`: the mixed fit's for `paper` (as the paper reports it), else the hinge fit's.
        public var rSquared: Double
        /// Why a fit was left out or the paper form not used, one line each.
        public var notes: [String]
    }

    /// Fits τ = α + β·C on the samples with prefill tokens.
    /// - Throws: `CalibrationError` when they hold fewer than 2 distinct chunk sizes.
    public static func mixed(_ samples: [IterationSample]) throws(CalibrationError) -> Mixed {
        try checkTimes(samples)
        let rows = samples.filter { $0.prefillTokens > 0 }
        let chunks = Set(rows.map(\.prefillTokens)).sorted()
        guard chunks.count >= 2 else {
            throw CalibrationError("the mixed fit τ = α + β·C needs rows with at least 2 distinct prefill_tokens > 0, got "
                + (chunks.first.map { "only \($0)" } ?? "none"))
        }
        let fit = try LeastSquaresFit.line(x: rows.map { Double($0.prefillTokens) }, y: rows.map(\.seconds))
        return Mixed(alpha: fit.coefficients[0], beta: fit.coefficients[1], fit: fit)
    }

    /// γ = 1 / mean seconds of the decode-only samples (no prefill tokens).
    /// - Throws: `CalibrationError` when there are none.
    public static func solo(_ samples: [IterationSample]) throws(CalibrationError) -> Solo {
        try checkTimes(samples)
        let times = samples.filter { $0.prefillTokens == 0 }.map(\.seconds)
        guard !times.isEmpty else {
            throw CalibrationError("the solo fit needs decode-only rows (prefill_tokens = 0) to estimate gamma, got none")
        }
        let mean = times.reduce(0, +) / Double(times.count)
        return Solo(gamma: 1 / mean, meanSeconds: mean, observations: times.count,
                    residuals: ResidualSummary(times.map { $0 - mean }, parameters: 1))
    }

    /// Fits τ = c + a·max(0, b − b0) on every sample, b0 chosen among the measured batch sizes
    /// (b = prefill tokens + decode streams, a mixed batch's decodes counted only when
    /// `countsDecodesInMixedBatch`). Ties go to the smallest knee.
    /// - Throws: `CalibrationError` with fewer than 2 distinct batch sizes, or when the best fit's
    ///   slope is negative or its flat part c is not positive.
    public static func hinge(_ samples: [IterationSample], countsDecodesInMixedBatch: Bool = false) throws(CalibrationError)
        -> Hinge
    {
        try checkTimes(samples)
        let sizes = samples.map { sample in
            Double(FittedIterationLaw.tokens(
                prefill: sample.prefillTokens, decodes: sample.decodeStreams,
                countsDecodesInMixedBatch: countsDecodesInMixedBatch))
        }
        let times = samples.map(\.seconds)
        let knees = Set(sizes).sorted()
        guard knees.count >= 2 else {
            throw CalibrationError("the hinge fit needs at least 2 distinct batch sizes b (prefill_tokens + "
                + "decode_streams), got " + (knees.first.map { "only \(Int($0))" } ?? "none"))
        }
        var best: (fit: LeastSquaresFit, knee: Double)?
        // The largest size as a knee would leave the slope undetermined.
        for knee in knees.dropLast() {
            let fit = try LeastSquaresFit(design: sizes.map { [1, max(0, $0 - knee)] }, response: times)
            if best.map({ fit.sumOfSquaredResiduals < $0.fit.sumOfSquaredResiduals }) ?? true { best = (fit, knee) }
        }
        let (fit, knee) = best!
        let c = fit.coefficients[0]
        let a = fit.coefficients[1]
        guard a >= 0 else {
            throw CalibrationError("the hinge fit's slope a = \(a) s/token is negative: iteration times must not "
                + "fall as batches grow")
        }
        let law = try FittedIterationLaw.validated(c: c, a: a, b0: knee, countsDecodesInMixedBatch: countsDecodesInMixedBatch)
        return Hinge(law: law, fit: fit)
    }

    /// Runs every fit the samples allow and picks the calibration's law: the paper's form
    /// (`mixed` and `solo` through `FittedIterationLaw(alpha:beta:gamma:)`) when both fits exist
    /// and α ≤ 1/γ, so the published and the user's calibrations are made the same way; the
    /// hinge fit otherwise.
    /// - Throws: `CalibrationError` when neither gives a law, with every fit's reason on one line.
    public static func report(_ samples: [IterationSample]) throws(CalibrationError) -> Report {
        try checkTimes(samples)
        var notes: [String] = []
        func attempt<T>(_ fit: () throws(CalibrationError) -> T) -> T? {
            do { return try fit() } catch {
                notes.append(error.message)
                return nil
            }
        }
        let mixed = attempt { () throws(CalibrationError) in try Self.mixed(samples) }
        let solo = attempt { () throws(CalibrationError) in try Self.solo(samples) }
        var hingeError: CalibrationError?
        var hinge: Hinge?
        do { hinge = try Self.hinge(samples) } catch { hingeError = error }
        if let mixed, let solo {
            do {
                let law = try FittedIterationLaw.validated(alpha: mixed.alpha, beta: mixed.beta, gamma: solo.gamma)
                if let hingeError { notes.append(hingeError.message) }
                return Report(mixed: mixed, solo: solo, hinge: hinge, law: law, method: .paper,
                              rSquared: mixed.fit.rSquared, notes: notes)
            } catch {
                notes.append("the paper form does not apply: " + error.message)
            }
        }
        guard let hinge else {
            throw CalibrationError("cannot fit a law: " + (notes + [hingeError!.message]).joined(separator: "; "))
        }
        notes.append("the calibration uses the hinge fit")
        return Report(mixed: mixed, solo: solo, hinge: hinge, law: hinge.law, method: .hinge,
                      rSquared: hinge.fit.rSquared, notes: notes)
    }

    /// Measured times must be positive and finite.
    private static func checkTimes(_ samples: [IterationSample]) throws(CalibrationError) {
        guard !samples.isEmpty else { throw CalibrationError("no measured iterations to fit") }
        if let index = samples.firstIndex(where: { !($0.seconds.isFinite && $0.seconds > 0) }) {
            let seconds = ConfigNode.format(samples[index].seconds)
            throw CalibrationError("iteration \(index + 1): seconds must be a finite number > 0, got \(seconds)")
        }
    }
}
