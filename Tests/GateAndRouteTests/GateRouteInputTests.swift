import Foundation
import ServingModel
import Planning
import Testing
@testable import GateAndRoute

/// What a gate-route scenario may contain and how much work its simulation may start: the reader's
/// range checks, the law check, the work estimate, and errors instead of traps.
@Suite struct GateRouteInputTests {
    static let scenario = """
        kind: gate-route
        gpus: 500
        engine: {batchSize: 16, chunkSize: 256, alpha: 0.0174, beta: 6.2e-5, gamma: 45.45}
        pricing: {scheme: bundled, prefillPrice: 0.1, decodePrice: 0.2}
        classes:
          - {name: code, promptTokens: 300, decodeTokens: 1000, arrivalRate: 0.5, abandonmentRate: 0.1}
          - {name: summarize, promptTokens: 3000, decodeTokens: 400, arrivalRate: 0.5, abandonmentRate: 0.1}
        """

    /// The reader's issues for `text` (empty when it reads).
    private func issues(_ text: String) throws -> [String] {
        let envelope = try ScenarioEnvelope.read(value: try ConfigParser.parse(text), kinds: ["gate-route": GateRouteScenario.keys])
        do {
            _ = try GateRouteScenario.read(envelope, baseDirectory: "/")
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    @Test func theExampleReads() throws {
        #expect(try issues(Self.scenario) == [])
    }

    /// α > 1/γ is not a law (its knee would be negative); the reader refuses it, so the token-level
    /// simulator never builds one.
    @Test func lawIsCheckedWhereRead() throws {
        let text = Self.scenario.replacingOccurrences(of: "alpha: 0.0174", with: "alpha: 1")
        #expect(try issues(text) == [
            "engine: alpha (1 s) must be <= 1/gamma (0.022002200220022 s), so that the knee b0 = (1/gamma - alpha)/beta is >= 0",
        ])
    }

    /// Numbers that enter the fluid LP are range-checked, every problem in one pass.
    @Test func numbersHaveSaneMaxima() throws {
        let text = Self.scenario
            .replacingOccurrences(of: "promptTokens: 300,", with: "promptTokens: 1e15,")
            .replacingOccurrences(of: "arrivalRate: 0.5, abandonmentRate: 0.1}\n  - {name: summarize", with: "arrivalRate: 1e7, abandonmentRate: 0.1}\n  - {name: summarize")
            .replacingOccurrences(of: "batchSize: 16", with: "batchSize: 1e15")
            .replacingOccurrences(of: "gamma: 45.45", with: "gamma: 1e-300")
        #expect(try issues(text) == [
            "engine.batchSize: must be <= 65536, got 1e+15",
            "engine.gamma: must be between 0.001 and 1000000, got 1e-300",
            "classes[0].promptTokens: must be <= 10000000, got 1e+15",
            "classes[0].arrivalRate: must be <= 1000000, got 10000000",
        ])
    }

    /// The convergence run (n = 5 … 500, 8 policies, 5 seeds, T = 10,000 s): 775 GPUs × 1 arrival
    /// per GPU-second × 10,000 s × 40 = 3.1e8 CTMC arrivals, 3.1e6 request-equivalents, within the
    /// default 5e6; one million GPUs (4e11 arrivals) are refused with one line.
    @Test func ctmcWorkEstimate() throws {
        let instance = ConvergenceInstance.instance()
        let example = GateRouteWork(
            instance: instance, gpus: [5, 20, 50, 200, 500], policies: 8, horizon: 10_000, seeds: 5, fidelity: .ctmc)
        #expect(throws: Never.self) { try example.check(.default, at: "simulation") }
        let huge = GateRouteWork(instance: instance, gpus: [1_000_000], policies: 8, horizon: 10_000, seeds: 5, fidelity: .ctmc)
        let error = try #require(throws: ScenarioError.self) { try huge.check(.default, at: "--gpus") }
        #expect(error.description == "--gpus: about 4e+09 request-equivalents (CTMC arrivals n·Σλ·T × policies × seeds "
            + "over every n, 100 to a request), over the limit of 5000000; raise it with --max-requests N or --allow-large")
    }

    /// Per GPU the CTMC holds 46 + 8K + 8B + 4KB bytes: 318 for K = 2, B = 16.
    @Test func ctmcMemoryEstimate() throws {
        let work = GateRouteWork(instance: ConvergenceInstance.instance(), gpus: [1], policies: 1, horizon: 1, seeds: 1, fidelity: .ctmc)
        #expect(work.ctmcStateBytes(gpus: 1) == 318)
        var wide = ConvergenceInstance.instance()
        wide.engine.batchSize = 60_000
        let big = GateRouteWork(instance: wide, gpus: [100_000], policies: 1, horizon: 1, seeds: 1, fidelity: .ctmc)
        let error = try #require(throws: ScenarioError.self) { try big.check(.default, at: "--gpus") }
        // 1e5 × (46 + 16 + 480,000 + 480,000) bytes + 1e5 arrivals × 32 bytes = 89.4 GiB.
        #expect(error.description == "--gpus: the CTMC on 100000 GPUs (state arrays, and every arrival of a run waiting "
            + "at worst) needs about 89 GiB of memory, over the limit of 8.0 GiB; raise it with --max-memory GIB or --allow-large")
    }

    /// Token level counts every arrival as a request: 3 sizes (75 GPUs) × 6 policies × 3 seeds × 3,000 s
    /// = 4.05e6, within the limit; 4 seeds (5.4e6) are over it.
    @Test func tokenLevelWorkEstimate() throws {
        let instance = ConvergenceInstance.instance()
        let within = GateRouteWork(instance: instance, gpus: [5, 20, 50], policies: 6, horizon: 3000, seeds: 3, fidelity: .token)
        #expect(throws: Never.self) { try within.check(.default, at: "simulation") }
        let over = GateRouteWork(instance: instance, gpus: [5, 20, 50], policies: 6, horizon: 3000, seeds: 4, fidelity: .token)
        let error = try #require(throws: ScenarioError.self) { try over.check(.default, at: "simulation") }
        #expect(error.issues.first?.message.hasPrefix("about 5400000 simulated requests") == true)
    }

    /// An instance built in code with an invalid law or an unknown policy gets an error, not a trap.
    @Test func tokenLevelRefusesInsteadOfTrapping() throws {
        var instance = ConvergenceInstance.instance(gpus: 2)
        let plan = try GateRouteProblem(instance: instance).solved().plan
        #expect(throws: TokenLevelError.unsupportedPolicy(.gfWSP)) {
            try TokenLevelExperiment.run(
                instance: instance, plan: plan, policy: .gfWSP, gpus: 2, horizon: 10, warmup: 1, seeds: [1])
        }
        instance.engine.alpha = 1
        #expect(throws: TokenLevelError.invalidLaw(
            "alpha (1 s) must be <= 1/gamma (0.022002200220022 s), so that the knee b0 = (1/gamma - alpha)/beta is >= 0")) {
            try TokenLevelExperiment.run(
                instance: instance, plan: plan, policy: .gateAndRoute, gpus: 2, horizon: 10, warmup: 1, seeds: [1])
        }
    }

    /// An LP whose range-checked numbers still span too many magnitudes for HiGHS is bad input
    /// ("numerically hopeless model"), not a solver failure.
    @Test func numericallyHopelessModelIsBadInput() throws {
        let instance = GateRouteInstance(
            classes: [
                GateRouteClass(name: "a", promptTokens: 1e7, decodeTokens: 1, arrivalRate: 1e6, abandonmentRate: 1e6),
                GateRouteClass(name: "b", promptTokens: 3000, decodeTokens: 400, arrivalRate: 0.5, abandonmentRate: 0.1),
            ],
            engine: GateRouteEngine(batchSize: 65_536, chunkSize: 10_000_000, alpha: 1e-6, beta: 1e-12, gamma: 1e6),
            pricing: Pricing(scheme: .separate, prefillPrice: 1e6, decodePrice: 1e-6), gpus: 500)
        var targets = ServiceLevelTargets()
        targets.averageTPOT = .limit(1e6)
        targets.prefillFairness = .penalty(1e6)
        let error = try #require(throws: PlanningError.self) {
            try GateRouteProblem(instance: instance, targets: targets).solved()
        }
        #expect(error.lines.count == 1)
        #expect(error.lines.first?.hasPrefix("numerically hopeless model: the gate-and-route LP could not be solved") == true)
    }
}
