import Testing
@testable import GateAndRoute

/// The paper's convergence instance (§6.2): B = 16, C = 256, Qwen-8B law, two classes.
enum ConvergenceInstance {
    static let classes = [
        GateRouteClass(name: "code", promptTokens: 300, decodeTokens: 1000, arrivalRate: 0.5, abandonmentRate: 0.1),
        GateRouteClass(name: "summarize", promptTokens: 3000, decodeTokens: 400, arrivalRate: 0.5, abandonmentRate: 0.1),
    ]
    static let engine = GateRouteEngine(batchSize: 16, chunkSize: 256, alpha: 0.0174, beta: 6.2e-5, gamma: 45.45)
    static func instance(_ scheme: PricingScheme = .bundled, gpus: Int = 500) -> GateRouteInstance {
        GateRouteInstance(
            classes: classes, engine: engine, pricing: Pricing(scheme: scheme, prefillPrice: 0.1, decodePrice: 0.2),
            gpus: gpus)
    }
}

@Suite struct InstanceTests {
    /// τ = 0.0174 + 256 × 6.2e-5 = 0.033272 s; eq. (4) rates as derived by hand in the research notes.
    @Test func serviceRatesOfTheConvergenceInstance() {
        let instance = ConvergenceInstance.instance()
        #expect(abs(instance.engine.mixedIterationSeconds - 0.033272) < 1e-12)
        #expect(abs(instance.engine.soloToMixedSpeedRatio - 45.45 * 0.033272) < 1e-12)
        #expect(instance.engine.decodeBufferEliminationHolds)  // 1.512 ≥ 15/16
        let rates = instance.rates
        #expect(abs(rates.prefill[0] - 256 / (300 * 0.033272)) < 1e-9)   // 25.647
        #expect(abs(rates.prefill[1] - 2.5647) < 1e-4)
        #expect(abs(rates.mixedDecode[0] - 0.030055) < 1e-6)
        #expect(abs(rates.mixedDecode[1] - 0.075138) < 1e-6)
        #expect(abs(rates.soloDecode[0] - 0.04545) < 1e-12)
        #expect(abs(rates.soloDecode[1] - 0.113625) < 1e-12)
        #expect(instance.pricing.bundledRevenue(of: instance.classes[0]) == 230)
        #expect(instance.pricing.bundledRevenue(of: instance.classes[1]) == 380)
    }

    /// M = ⌈n Σx⌉, robust to LP round-off just above an integer.
    @Test func mixedPoolSize() {
        let plan = GateRoutePlan(revenuePerGPU: 0, classes: [], mixedFraction: 0.21321)
        #expect(plan.mixedGPUs(forGPUs: 500) == 107)
        #expect(GateRoutePlan(revenuePerGPU: 0, classes: [], mixedFraction: 0.2 + 1e-15).mixedGPUs(forGPUs: 500) == 100)
        #expect(GateRoutePlan(revenuePerGPU: 0, classes: [], mixedFraction: 1).mixedGPUs(forGPUs: 5) == 5)
    }

    /// A slow solo mode (γτ < (B−1)/B) breaks the decode-buffer elimination condition.
    @Test func eliminationConditionCanFail() {
        let engine = GateRouteEngine(batchSize: 16, chunkSize: 256, alpha: 0.0174, beta: 6.2e-5, gamma: 20)
        #expect(!engine.decodeBufferEliminationHolds)  // 20 × 0.033272 = 0.665 < 0.9375
    }
}

/// Chunked prefill timing: 300 tokens at C = 256 take one full chunk (τ = 0.033272 s) and a
/// 44-token remainder at max(1/γ, α + 44β) = max(0.0220022, 0.020128) = 0.0220022 s.
@Test func chunkedPrefillTiming() {
    var engine = ConvergenceInstance.engine
    #expect(abs(engine.prefillSeconds(promptTokens: 300) - 300.0 / 256 * 0.033272) < 1e-12)
    engine.prefillTiming = .chunked
    #expect(abs(engine.prefillSeconds(promptTokens: 300) - (0.033272 + 1 / 45.45)) < 1e-12)
    #expect(abs(engine.prefillSeconds(promptTokens: 3000) - (11 * 0.033272 + (0.0174 + 184 * 6.2e-5))) < 1e-12)
    #expect(abs(engine.prefillSeconds(promptTokens: 512) - 2 * 0.033272) < 1e-12)
}
