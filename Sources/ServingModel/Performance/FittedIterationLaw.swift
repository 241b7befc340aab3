/// A piecewise-linear ("hinge") iteration-time law fitted to measurements:
///
///     τ(b) = c + a·max(0, b − b0)
///
/// where b is the tokens an iteration processes: the prefill tokens plus the decode streams (one
/// token each). Below the knee b0 an iteration costs a flat c seconds (the GPU is bound by reading
/// the weights); above it every extra token costs a seconds. This is eq. 1 of Lin, Han, Ding and
/// Zhang (arXiv 2602.02987), taken from Li, Dai and Peng (arXiv 2504.07347).
///
/// The gate-and-route paper states the law in a second form, (α, β, γ):
/// - solo mode (decodes only, b ≤ b0): τ_solo = c = 1/γ, where γ is the tokens per second of one
///   decode stream;
/// - mixed mode (a prefill chunk of C tokens, C ≥ b0): τ_mix(C) = α + βC with α = c − a·b0, β = a.
///
/// `init(alpha:beta:gamma:)` converts that form, and `alpha`, `beta`, `gamma` convert back.
/// τ_mix(C) = α + βC holds only for C ≥ b0; below the knee the law gives c.
///
/// The paper ignores the decode streams of a mixed batch (b = C). `countsDecodesInMixedBatch`
/// chooses: false (the default) follows the paper, true uses b = C + decode streams.
///
/// ```swift
/// let law = FittedIterationLaw(alpha: 0.0174, beta: 6.2e-5, gamma: 45.45)   // Qwen-8B, A100
/// law.mixedIterationSeconds(chunk: 256)   // 0.033272 s
/// law.soloIterationSeconds                // 0.022002 s
/// law.b0                                  // ≈ 74.2 tokens
/// ```
public struct FittedIterationLaw: IterationTimeModel, Sendable, Hashable, Codable {
    /// Seconds of an iteration at or below the knee (the solo iteration time, 1/γ).
    public let c: Double
    /// Seconds per token above the knee (β).
    public let a: Double
    /// The knee, in tokens per iteration.
    public let b0: Double
    /// Whether the decode streams of a batch that also holds a prefill chunk count towards b.
    /// False follows the paper, which ignores them.
    public let countsDecodesInMixedBatch: Bool

    /// A law from its hinge form, for values the program itself chose. Values a user supplied go
    /// through `validated(c:a:b0:countsDecodesInMixedBatch:)` or are checked with
    /// `validationProblem(c:a:b0:)` where they are read.
    ///
    /// Never traps: values outside c > 0, a ≥ 0, b0 ≥ 0 (all finite) are moved to the nearest valid
    /// law (a and b0 clamped at 0; a c that is not a positive finite number becomes 1 s).
    public init(c: Double, a: Double, b0: Double, countsDecodesInMixedBatch: Bool = false) {
        self.c = c.isFinite && c > 0 ? c : 1
        self.a = a.isFinite ? Swift.max(0, a) : 0
        self.b0 = b0.isFinite ? Swift.max(0, b0) : 0
        self.countsDecodesInMixedBatch = countsDecodesInMixedBatch
    }

    /// A law from the paper's form: c = 1/γ, a = β, b0 = (1/γ − α)/β, for values the program itself
    /// chose. Values a user supplied go through `validated(alpha:beta:gamma:countsDecodesInMixedBatch:)`
    /// or are checked with `validationProblem(alpha:beta:gamma:)` where they are read.
    ///
    /// Never traps: an α above 1/γ gives the knee b0 = 0 (see `init(c:a:b0:countsDecodesInMixedBatch:)`
    /// for the other values).
    public init(alpha: Double, beta: Double, gamma: Double, countsDecodesInMixedBatch: Bool = false) {
        self.init(c: 1 / gamma, a: beta, b0: (1 / gamma - alpha) / beta,
                  countsDecodesInMixedBatch: countsDecodesInMixedBatch)
    }

    /// A law from user-supplied hinge values, or an error that says which value is wrong.
    public static func validated(
        c: Double, a: Double, b0: Double, countsDecodesInMixedBatch: Bool = false
    ) throws(CalibrationError) -> FittedIterationLaw {
        if let problem = validationProblem(c: c, a: a, b0: b0) { throw CalibrationError(problem) }
        return FittedIterationLaw(c: c, a: a, b0: b0, countsDecodesInMixedBatch: countsDecodesInMixedBatch)
    }

    /// A law from user-supplied values of the paper's form, or an error that says which is wrong.
    public static func validated(
        alpha: Double, beta: Double, gamma: Double, countsDecodesInMixedBatch: Bool = false
    ) throws(CalibrationError) -> FittedIterationLaw {
        if let problem = validationProblem(alpha: alpha, beta: beta, gamma: gamma) { throw CalibrationError(problem) }
        return FittedIterationLaw(alpha: alpha, beta: beta, gamma: gamma,
                                  countsDecodesInMixedBatch: countsDecodesInMixedBatch)
    }

    // MARK: The paper's form

    /// Intercept of the mixed-mode line, in seconds: α = c − a·b0.
    public var alpha: Double { c - a * b0 }
    /// Seconds per prefill token in mixed mode: β = a.
    public var beta: Double { a }
    /// Tokens per second of one decode stream in solo mode: γ = 1/c.
    public var gamma: Double { 1 / c }

    // MARK: Evaluating

    /// Seconds of a mixed iteration with a prefill chunk of `chunk` tokens, its decodes ignored as
    /// in the paper: α + β·chunk when chunk ≥ b0, c below the knee.
    public func mixedIterationSeconds(chunk: Int) -> Double { seconds(tokens: Double(chunk)) }

    /// Seconds of a solo (decode-only) iteration with at most b0 streams: c = 1/γ.
    public var soloIterationSeconds: Double { c }

    /// τ(b) with b = prefill tokens + decode streams; the decode streams of a batch with a prefill
    /// chunk count only when `countsDecodesInMixedBatch` is set. An empty batch gives c.
    public func iterationSeconds(_ batch: BatchShape) -> Double {
        seconds(tokens: Double(Self.tokens(
            prefill: batch.prefillTokens, decodes: batch.decodeStreams, countsDecodesInMixedBatch: countsDecodesInMixedBatch)))
    }

    /// b of an iteration: its prefill tokens, plus its decode streams when it has no prefill or
    /// when `countsDecodesInMixedBatch`.
    static func tokens(prefill: Int, decodes: Int, countsDecodesInMixedBatch: Bool) -> Int {
        prefill + (prefill == 0 || countsDecodesInMixedBatch ? decodes : 0)
    }

    /// τ(b) = c + a·max(0, b − b0).
    public func seconds(tokens b: Double) -> Double { c + a * max(0, b - b0) }

    // MARK: Checks

    /// Most seconds an iteration's terms (c, and α) may take: a measured iteration of over an hour
    /// is a unit mistake.
    public static let maximumSeconds = 3600.0
    /// Most tokens the knee b0 may sit at.
    public static let maximumKnee = 1e8

    /// Why hinge values a user supplied do not make a law (one line naming the value and the bound),
    /// or nil when they do: c in (0, 3600] s, a in [0, 3600] s per token, b0 in [0, 1e8] tokens.
    public static func validationProblem(c: Double, a: Double, b0: Double) -> String? {
        for (name, value) in [("c", c), ("a", a), ("b0", b0)] where !value.isFinite {
            return "\(name) must be a finite number, got \(ConfigNode.format(value))"
        }
        if !(c > 0) { return "c must be > 0 seconds, got \(ConfigNode.format(c))" }
        if c > maximumSeconds { return "c must be <= \(ConfigNode.format(maximumSeconds)) seconds, got \(ConfigNode.format(c))" }
        if a < 0 { return "a must be >= 0 seconds per token, got \(ConfigNode.format(a))" }
        if a > maximumSeconds {
            return "a must be <= \(ConfigNode.format(maximumSeconds)) seconds per token, got \(ConfigNode.format(a))"
        }
        if b0 < 0 { return "b0 must be >= 0 tokens, got \(ConfigNode.format(b0))" }
        if b0 > maximumKnee { return "b0 must be <= \(ConfigNode.format(maximumKnee)) tokens, got \(ConfigNode.format(b0))" }
        return nil
    }

    /// Why values of the paper's form a user supplied do not make a law, or nil when they do:
    /// γ > 0, β > 0, α ≤ 1/γ (so that the knee is ≥ 0), all finite, and the hinge values they give
    /// within `validationProblem(c:a:b0:)`'s bounds.
    public static func validationProblem(alpha: Double, beta: Double, gamma: Double) -> String? {
        for (name, value) in [("alpha", alpha), ("beta", beta), ("gamma", gamma)] where !value.isFinite {
            return "\(name) must be a finite number, got \(ConfigNode.format(value))"
        }
        if !(gamma > 0) { return "gamma must be > 0 tokens per second, got \(ConfigNode.format(gamma))" }
        if !(beta > 0) { return "beta must be > 0 seconds per token, got \(ConfigNode.format(beta))" }
        if alpha > 1 / gamma {
            return "alpha (\(ConfigNode.format(alpha)) s) must be <= 1/gamma (\(ConfigNode.format(1 / gamma)) s), "
                + "so that the knee b0 = (1/gamma - alpha)/beta is >= 0"
        }
        let c = 1 / gamma
        if c > maximumSeconds {
            return "gamma must be >= 1/\(ConfigNode.format(maximumSeconds)) tokens per second, got \(ConfigNode.format(gamma))"
        }
        if beta > maximumSeconds {
            return "beta must be <= \(ConfigNode.format(maximumSeconds)) seconds per token, got \(ConfigNode.format(beta))"
        }
        let b0 = (c - alpha) / beta
        if !(b0 <= maximumKnee) {
            return "the knee b0 = (1/gamma - alpha)/beta = \(ConfigNode.format(b0)) tokens must be <= "
                + "\(ConfigNode.format(maximumKnee)); check alpha and beta"
        }
        return nil
    }

    // MARK: Codable

    private enum CodingKeys: String, CodingKey {
        case c, a, b0, alpha, beta, gamma, countsDecodesInMixedBatch
    }

    /// Writes both forms (`c`, `a`, `b0` and `alpha`, `beta`, `gamma`) so a reader sees the
    /// paper's numbers; the hinge values are the ones read back.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(c, forKey: .c)
        try container.encode(a, forKey: .a)
        try container.encode(b0, forKey: .b0)
        try container.encode(alpha, forKey: .alpha)
        try container.encode(beta, forKey: .beta)
        try container.encode(gamma, forKey: .gamma)
        try container.encode(countsDecodesInMixedBatch, forKey: .countsDecodesInMixedBatch)
    }

    /// Reads either form: `c`, `a`, `b0`, or `alpha`, `beta`, `gamma` (as in the paper). When both
    /// are given they must agree to 1 part in 10⁶. `countsDecodesInMixedBatch` defaults to false.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let counts = try container.decodeIfPresent(Bool.self, forKey: .countsDecodesInMixedBatch) ?? false
        func corrupted(_ message: String) -> DecodingError {
            DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: message))
        }
        /// The values of one form, nil when none of its keys is there.
        func read(_ keys: [CodingKeys]) throws -> [Double]? {
            let values = try keys.map { try container.decodeIfPresent(Double.self, forKey: $0) }
            if values.allSatisfy({ $0 == nil }) { return nil }
            let missing = zip(keys, values).filter { $0.1 == nil }.map(\.0.stringValue)
            guard missing.isEmpty else {
                throw corrupted("give " + keys.map(\.stringValue).joined(separator: ", ") + " together; missing "
                    + missing.joined(separator: ", "))
            }
            return values.compactMap { $0 }
        }
        let hinge = try read([.c, .a, .b0])
        let paper = try read([.alpha, .beta, .gamma])
        do {
            if let hinge {
                self = try .validated(c: hinge[0], a: hinge[1], b0: hinge[2], countsDecodesInMixedBatch: counts)
            } else if let paper {
                self = try .validated(alpha: paper[0], beta: paper[1], gamma: paper[2], countsDecodesInMixedBatch: counts)
            } else {
                throw corrupted("a law needs either c, a and b0 or alpha, beta and gamma")
            }
        } catch let error as CalibrationError {
            throw corrupted(error.message)
        }
        if let hinge, let paper {
            // α is compared on the scale of c: it is a difference and may be near zero.
            let scales = [c, 0, 0]
            let agree = zip(zip([alpha, beta, gamma], paper), scales).allSatisfy { pair, scale in
                abs(pair.0 - pair.1) <= 1e-6 * max(abs(pair.0), abs(pair.1), scale)
            }
            if !agree {
                func list(_ values: [Double]) -> String { values.map(ConfigNode.format).joined(separator: ", ") }
                throw corrupted("alpha, beta and gamma (\(list(paper))) disagree with c, a and b0 (\(list(hinge))); "
                    + "give one form")
            }
        }
    }
}
