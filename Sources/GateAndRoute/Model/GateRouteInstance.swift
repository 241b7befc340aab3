/// One request class of the prefill–decode contention model (Lin, Han, Ding & Zhang, arXiv 2602.02987).
public struct GateRouteClass: Sendable, Hashable, Codable {
    public var name: String
    /// Representative prompt length P_i, tokens.
    public var promptTokens: Double
    /// Representative decode length D_i, tokens.
    public var decodeTokens: Double
    /// Arrival rate λ_i per GPU, requests per second (the n-GPU system sees n·λ_i).
    public var arrivalRate: Double
    /// Abandonment rate θ_i of a waiting job (prefill queue or decode buffer), per second.
    public var abandonmentRate: Double

    public init(name: String, promptTokens: Double, decodeTokens: Double, arrivalRate: Double, abandonmentRate: Double) {
        self.name = name
        self.promptTokens = promptTokens
        self.decodeTokens = decodeTokens
        self.arrivalRate = arrivalRate
        self.abandonmentRate = abandonmentRate
    }
}

/// How long a prefill of P tokens takes.
public enum PrefillTiming: String, Sendable, Hashable, Codable, CaseIterable {
    /// The paper's fluid rate: P/C mixed iterations of τ each (μ_p = C/(Pτ)).
    case fluid
    /// What a chunking engine does: ⌊P/C⌋ full chunks of τ, then the remainder r as one more
    /// iteration of max(1/γ, α + βr) (the iteration law's hinge), e.g. 2 iterations for 300 tokens.
    case chunked
}

/// The engine of every GPU: batch size B, chunk size C and the iteration-time law
/// τ_mix(C) = α + βC (mixed mode), τ_solo = 1/γ (solo mode).
public struct GateRouteEngine: Sendable, Hashable, Codable {
    /// Concurrent streams per GPU, prefill included (B ≥ 2).
    public var batchSize: Int
    /// Prefill chunk size C, tokens.
    public var chunkSize: Int
    /// Fixed part of a mixed iteration, seconds.
    public var alpha: Double
    /// Per-chunk-token part of a mixed iteration, seconds per token.
    public var beta: Double
    /// Decode tokens per second per stream in solo mode.
    public var gamma: Double
    /// How prefill time is computed from P and C.
    public var prefillTiming: PrefillTiming

    public init(
        batchSize: Int, chunkSize: Int, alpha: Double, beta: Double, gamma: Double, prefillTiming: PrefillTiming = .fluid
    ) {
        self.batchSize = batchSize
        self.chunkSize = chunkSize
        self.alpha = alpha
        self.beta = beta
        self.gamma = gamma
        self.prefillTiming = prefillTiming
    }

    /// Seconds one prefill of `promptTokens` occupies a GPU's prefill slot.
    public func prefillSeconds(promptTokens: Double) -> Double {
        let tau = mixedIterationSeconds
        let chunk = Double(chunkSize)
        switch prefillTiming {
        case .fluid:
            return promptTokens / chunk * tau
        case .chunked:
            let full = (promptTokens / chunk).rounded(.down)
            let remainder = promptTokens - full * chunk
            return full * tau + (remainder > 0 ? max(1 / gamma, alpha + beta * remainder) : 0)
        }
    }

    /// Mixed iteration time τ = α + βC, seconds.
    public var mixedIterationSeconds: Double { alpha + beta * Double(chunkSize) }

    /// γτ, the ratio of solo to mixed decode speed (the same for every class).
    public var soloToMixedSpeedRatio: Double { gamma * mixedIterationSeconds }

    /// True when γτ ≥ (B−1)/B, the condition of the decode-buffer elimination result (Prop. 3.2).
    public var decodeBufferEliminationHolds: Bool {
        soloToMixedSpeedRatio >= Double(batchSize - 1) / Double(batchSize)
    }
}

/// How revenue is booked.
public enum PricingScheme: String, Sendable, Hashable, Codable, CaseIterable {
    /// w_i = c_p P_i + c_d D_i per completed request (eq. 22).
    case bundled
    /// c_p P_i when prefill finishes, c_d D_i when decode finishes (eq. 23).
    case separate
}

/// Prices per token.
public struct Pricing: Sendable, Hashable, Codable {
    public var scheme: PricingScheme
    /// c_p, per prompt token.
    public var prefillPrice: Double
    /// c_d, per decode token.
    public var decodePrice: Double

    public init(scheme: PricingScheme, prefillPrice: Double, decodePrice: Double) {
        self.scheme = scheme
        self.prefillPrice = prefillPrice
        self.decodePrice = decodePrice
    }

    /// Bundled revenue w_i = c_p P_i + c_d D_i of one completed class-i request.
    public func bundledRevenue(of requestClass: GateRouteClass) -> Double {
        prefillPrice * requestClass.promptTokens + decodePrice * requestClass.decodeTokens
    }
}

/// The exponential service rates of eq. (4), per class.
public struct ServiceRates: Sendable, Hashable, Codable {
    /// μ_{p,i}: prefill completions per second of one prefill slot, C / (P_i τ) with fluid timing.
    public var prefill: [Double]
    /// μ_{m,i} = 1 / (D_i τ): decode completions per second of one stream in mixed mode.
    public var mixedDecode: [Double]
    /// μ_{s,i} = γ / D_i: decode completions per second of one stream in solo mode.
    public var soloDecode: [Double]

    public init(classes: [GateRouteClass], engine: GateRouteEngine) {
        let tau = engine.mixedIterationSeconds
        prefill = classes.map { 1 / engine.prefillSeconds(promptTokens: $0.promptTokens) }
        mixedDecode = classes.map { 1 / ($0.decodeTokens * tau) }
        soloDecode = classes.map { engine.gamma / $0.decodeTokens }
    }
}

/// A gate-and-route problem: classes, engine, prices and the cluster size.
public struct GateRouteInstance: Sendable, Hashable, Codable {
    public var classes: [GateRouteClass]
    public var engine: GateRouteEngine
    public var pricing: Pricing
    /// Number of GPUs n.
    public var gpus: Int

    public init(classes: [GateRouteClass], engine: GateRouteEngine, pricing: Pricing, gpus: Int) {
        self.classes = classes
        self.engine = engine
        self.pricing = pricing
        self.gpus = gpus
    }

    /// The service rates of eq. (4).
    public var rates: ServiceRates { ServiceRates(classes: classes, engine: engine) }
}
