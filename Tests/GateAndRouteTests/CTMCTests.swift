import Foundation
import Testing
@testable import GateAndRoute

@Suite struct CTMCTests {
    /// One GPU, B = 2, one class: the simulated revenue, prefill occupancy and both queues must contain
    /// the exact stationary values of the chain written by hand (`TwoSlotChain`) in their 99.9%
    /// intervals over seeds. Exercises mode-dependent decode speed (μ_m while the prefill runs, μ_s
    /// otherwise), the decode buffer and both abandonment streams.
    @Test func oneGPUTwoSlotsMatchesTheExactChain() throws {
        let (lambda, muP, muM, muS, theta) = (1.0, 2.0, 0.8, 1.5, 0.5)
        let instance = CTMCFixtures.singleClass(
            batchSize: 2, lambda: lambda, muP: muP, muM: muM, muS: muS, theta: theta)
        let chain = TwoSlotChain(lambda: lambda, muP: muP, muM: muM, muS: muS, theta: theta, cap: 18)
        let pi = try chain.stationary()
        var revenue = 0.0, busy = 0.0, queue = 0.0, buffer = 0.0, mixed = 0.0
        for (s, p) in pi {
            if s.y == 1 { revenue += p * (s.x == 1 ? muM : muS) * instance.classes[0].decodeTokens }
            if s.y == 1, s.x == 1 { mixed += p }
            busy += p * Double(s.x)
            queue += p * Double(s.q)
            buffer += p * Double(s.d)
        }
        #expect(abs(pi.values.reduce(0, +) - 1) < 1e-9)

        var runs: [CTMCRunResult] = []
        for seed in 1...6 as ClosedRange<UInt64> {
            runs.append(
                try CTMCSimulation.run(
                    instance: instance, plan: CTMCFixtures.allMixedPlan, policy: .gateAndRoute, gpus: 1,
                    horizon: 40_000, warmup: 100, seed: seed))
        }
        let checks: [(String, Double, [Double])] = [
            ("revenue", revenue, runs.map(\.revenuePerGPU)),
            ("prefill occupancy", busy, runs.map { $0.classes[0].prefillOccupancy }),
            ("mixed-speed decodes", mixed, runs.map { $0.classes[0].mixedDecodeOccupancy }),
            ("prefill queue", queue, runs.map { $0.classes[0].prefillQueue }),
            ("decode buffer", buffer, runs.map(\.decodeBuffer)),
        ]
        CTMCFixtures.expectExact(checks)
    }

    /// Decode back-pressure on the same one-GPU chain: a rationed class is admitted only while the
    /// decode buffer is empty. Revenue, occupancies and both queues must match the exact chain.
    @Test func decodeBackPressureMatchesTheExactChain() throws {
        let (lambda, muP, muM, muS, theta) = (1.0, 2.0, 0.8, 1.5, 0.5)
        let instance = CTMCFixtures.singleClass(
            batchSize: 2, lambda: lambda, muP: muP, muM: muM, muS: muS, theta: theta)
        let chain = TwoSlotChain(
            lambda: lambda, muP: muP, muM: muM, muS: muS, theta: theta, cap: 18, backPressure: true)
        let pi = try chain.stationary()
        var revenue = 0.0, busy = 0.0, queue = 0.0, buffer = 0.0
        for (s, p) in pi {
            if s.y == 1 { revenue += p * (s.x == 1 ? muM : muS) * instance.classes[0].decodeTokens }
            busy += p * Double(s.x)
            queue += p * Double(s.q)
            buffer += p * Double(s.d)
        }
        // Back-pressure changes the chain: the buffer is smaller than without it.
        let free = try TwoSlotChain(lambda: lambda, muP: muP, muM: muM, muS: muS, theta: theta, cap: 18).stationary()
        #expect(buffer < free.map { Double($0.key.d) * $0.value }.reduce(0, +) - 0.05)

        var runs: [CTMCRunResult] = []
        for seed in 1...6 as ClosedRange<UInt64> {
            runs.append(
                try CTMCSimulation.run(
                    instance: instance, plan: CTMCFixtures.rationedAllMixedPlan, policy: .gateAndRoute, gpus: 1,
                    horizon: 40_000, warmup: 100, seed: seed,
                    options: CTMCOptions(rationedClasses: .whenDecodeIdle)))
        }
        let checks: [(String, Double, [Double])] = [
            ("revenue", revenue, runs.map(\.revenuePerGPU)),
            ("prefill occupancy", busy, runs.map { $0.classes[0].prefillOccupancy }),
            ("prefill queue", queue, runs.map { $0.classes[0].prefillQueue }),
            ("decode buffer", buffer, runs.map(\.decodeBuffer)),
        ]
        CTMCFixtures.expectExact(checks)
    }

    /// Square-root staffing of the mixed pool: M = ⌈m + κ√m⌉ with m = n Σx*, worked by hand.
    @Test func squareRootStaffing() {
        let plan = CTMCFixtures.convergencePlan  // Σx* = 0.21321
        #expect(plan.mixedGPUs(forGPUs: 500) == 107)  // ⌈106.605⌉
        #expect(plan.mixedGPUs(forGPUs: 500, safety: 1) == 117)  // ⌈106.605 + 10.325⌉
        #expect(plan.mixedGPUs(forGPUs: 500, safety: 0.5) == 112)  // ⌈106.605 + 5.163⌉
        #expect(plan.mixedGPUs(forGPUs: 5, safety: 1) == 3)  // ⌈1.066 + 1.033⌉
        #expect(plan.mixedGPUs(forGPUs: 1, safety: 10) == 1)  // at most n
    }

    /// With a reserved prefill slot the prefill stage of one mixed GPU is an M/M/1+M queue whatever the
    /// decodes do: π_k ∝ Π_{j=1..k} λ/(μ_p + (j−1)θ). Busy probability, mean queue and prefill
    /// throughput must match in their 99.9% intervals.
    @Test func prefillStageIsMM1WithAbandonment() throws {
        let (lambda, muP, theta) = (1.5, 1.2, 0.4)
        let instance = CTMCFixtures.singleClass(batchSize: 4, lambda: lambda, muP: muP, muM: 3, muS: 5, theta: theta)
        var weights = [1.0]
        for k in 1...200 { weights.append(weights[k - 1] * lambda / (muP + Double(k - 1) * theta)) }
        let normaliser = weights.reduce(0, +)
        let busy = 1 - 1 / normaliser
        let queue = weights.enumerated().dropFirst().map { Double($0.offset - 1) * $0.element }.reduce(0, +) / normaliser

        var runs: [CTMCRunResult] = []
        for seed in 11...16 as ClosedRange<UInt64> {
            runs.append(
                try CTMCSimulation.run(
                    instance: instance, plan: CTMCFixtures.allMixedPlan, policy: .gateAndRoute, gpus: 1,
                    horizon: 30_000, warmup: 100, seed: seed))
        }
        let window = 30_000.0 - 100
        let checks: [(String, Double, [Double])] = [
            ("busy", busy, runs.map { $0.classes[0].prefillOccupancy }),
            ("queue", queue, runs.map { $0.classes[0].prefillQueue }),
            ("prefill throughput", muP * busy, runs.map { Double($0.classes[0].prefillCompletions) / window }),
        ]
        for (name, exact, simulated) in checks {
            let (mean, halfWidth) = CTMCFixtures.interval(simulated)
            #expect(abs(mean - exact) <= halfWidth, "\(name): simulated \(mean) ± \(halfWidth), exact \(exact)")
        }
    }

    /// Every policy conserves jobs: at warm-up in system + arrivals = completions + abandonments + in
    /// system at the end, per class; and the bundled revenue is Σ w_i × completions.
    @Test(arguments: GateRoutePolicy.allCases)
    func conservation(policy: GateRoutePolicy) throws {
        let instance = ConvergenceInstance.instance(gpus: 20)
        for warmup in [0.0, 150] {
            let run = try CTMCSimulation.run(
                instance: instance, plan: CTMCFixtures.convergencePlan, policy: policy, horizon: 400, warmup: warmup,
                seed: 7)
            var revenue = 0.0
            for (i, c) in run.classes.enumerated() {
                if warmup == 0 { #expect(c.inSystemAtWarmup == 0) }
                #expect(c.arrivals > 1_000)
                #expect(
                    c.inSystemAtWarmup + c.arrivals
                        == c.completions + c.prefillAbandonments + c.decodeAbandonments + c.inSystemAtEnd,
                    "\(policy.rawValue) class \(c.name)")
                revenue += Double(c.completions) * instance.pricing.bundledRevenue(of: instance.classes[i])
            }
            let perGPU = revenue / (20 * (400 - warmup))
            #expect(abs(run.bundledRevenuePerGPU - perGPU) <= 1e-9 * perGPU)
            #expect(run.revenuePerGPU == run.bundledRevenuePerGPU)
            #expect(run.classes.map(\.completions).reduce(0, +) > 0)
        }
    }

    /// The same seed gives the same run, bit for bit; another seed a different one.
    @Test func determinism() throws {
        let instance = ConvergenceInstance.instance(gpus: 30)
        for policy in [GateRoutePolicy.gateAndRoute, .sliAwareGeneral, .fiWSP, .gfWSP] {
            func run(_ seed: UInt64) throws -> CTMCRunResult {
                try CTMCSimulation.run(
                    instance: instance, plan: CTMCFixtures.convergencePlan, policy: policy, horizon: 200, warmup: 20,
                    seed: seed)
            }
            let first = try run(3)
            #expect(try run(3) == first)
            #expect(try run(4) != first)
        }
    }

    /// The convergence instance (§6.2) at n = 200: gate-and-route earns R* = 297.70 within 5% and holds
    /// the prefill occupancies near n·x_i*; the gate helps the immediate baseline (GI-WSP > FI-WSP, §6.3).
    ///
    /// Not asserted: FI-WSP < gate-and-route. On this instance FCFS with abandonment serves both classes
    /// in the same proportion, and its fluid value, about 291.2 (0.978 R*), is only 2.2% below R*
    /// because the LP rations class 0 by just 0.032 jobs per GPU per second. Gate-and-route reaches
    /// R* only as n grows: class 0's prefill is ten times faster than class 1's, so the slack of class
    /// 1's critically loaded prefill servers, which the work-conserving gate hands to class 0, overloads
    /// the (critically loaded) decode stage and the decode buffer abandons. Measured (release build,
    /// T = 10,000 s, 5 seeds): gate-and-route 0.975 at n = 200, 0.976 at n = 500, 0.984 at n = 2,000,
    /// 0.989 at n = 8,000; FI-WSP 0.978–0.980 at every n.
    @Test func convergenceInstanceAtTwoHundredGPUs() throws {
        let instance = ConvergenceInstance.instance(.bundled, gpus: 200)
        let summaries = try CTMCExperiment.run(
            instance: instance, plan: CTMCFixtures.convergencePlan, policies: [.gateAndRoute, .fiWSP, .giWSP],
            horizon: 3_000, warmup: 500, seeds: [1, 2])
        let (gated, fcfs, gatedImmediate) = (summaries[0], summaries[1], summaries[2])
        #expect(gated.mixedGPUs == 43)
        #expect(abs(gated.ratioToPlan.mean - 1) <= 0.05, "gate-and-route ratio \(gated.ratioToPlan)")
        #expect(gated.ratioToPlan.mean < 1.01)
        #expect(
            fcfs.revenuePerGPU.mean < gatedImmediate.revenuePerGPU.mean,
            "fi-wsp \(fcfs.revenuePerGPU), gi-wsp \(gatedImmediate.revenuePerGPU)")
        // The gate holds the prefill occupancies near their targets n·x_i* (M = 43 > 42.64 leaves slack).
        #expect(abs(gated.classes[0].prefillOccupancy.mean - 0.01826) < 0.003)
        #expect(abs(gated.classes[1].prefillOccupancy.mean - 0.19495) < 0.01)
        #expect(gated.decodeBuffer.mean < 0.5)
        // Decodes fill the fleet's decode capacity: (B−1)·M + B·(n−M) slots, i.e. 15.785 per GPU.
        let occupied = gated.classes.map { $0.mixedDecodeOccupancy.mean + $0.soloDecodeOccupancy.mean }.reduce(0, +)
        #expect(occupied > 0.98 * 15.785 && occupied <= 15.785)
    }

    /// x_i* = 0 classes: never admitted by default, admitted behind the targeted classes on request.
    @Test func zeroTargetClasses() throws {
        var plan = CTMCFixtures.convergencePlan
        plan.classes[0].prefillOccupancy = 0
        plan.classes[0].soloDecodeOccupancy = 0
        plan.mixedFraction = 0.5
        let instance = ConvergenceInstance.instance(gpus: 10)
        let never = try CTMCSimulation.run(
            instance: instance, plan: plan, policy: .gateAndRoute, horizon: 300, warmup: 0, seed: 1)
        #expect(never.classes[0].prefillCompletions == 0)
        #expect(never.classes[0].prefillAbandonments > 0)
        let last = try CTMCSimulation.run(
            instance: instance, plan: plan, policy: .gateAndRoute, horizon: 300, warmup: 0, seed: 1,
            options: CTMCOptions(zeroTargetClasses: .last))
        #expect(last.classes[0].prefillCompletions > 0)
        // prioritize-and-route ignores the targets: with one mixed GPU (too few for both classes) the
        // decode-heavy class 0 (D/P = 3.3) goes first and class 1 gets what is left.
        plan.mixedFraction = 0.1
        let priority = try CTMCSimulation.run(
            instance: instance, plan: plan, policy: .prioritizeAndRoute, horizon: 300, warmup: 0, seed: 1)
        #expect(priority.classes[0].prefillCompletions > priority.classes[1].prefillCompletions)
    }

    /// Refused inputs.
    @Test func invalidInputs() {
        let instance = ConvergenceInstance.instance(gpus: 10)
        let plan = CTMCFixtures.convergencePlan
        #expect(throws: CTMCError.invalidWindow(horizon: 10, warmup: 10)) {
            try CTMCSimulation.run(instance: instance, plan: plan, policy: .fiWSP, horizon: 10, warmup: 10, seed: 1)
        }
        #expect(throws: CTMCError.invalidGPUCount(0)) {
            try CTMCSimulation.run(instance: instance, plan: plan, policy: .fiWSP, gpus: 0, horizon: 10, warmup: 0, seed: 1)
        }
        #expect(throws: CTMCError.noSeeds) {
            try CTMCExperiment.run(instance: instance, plan: plan, policy: .fiWSP, horizon: 10, warmup: 0, seeds: [])
        }
        #expect(throws: CTMCError.planClassMismatch(planClasses: 1, instanceClasses: 2)) {
            try CTMCSimulation.run(
                instance: instance, plan: CTMCFixtures.allMixedPlan, policy: .fiWSP, horizon: 10, warmup: 0, seed: 1)
        }
    }

    /// The encoded summary carries the run's figures: R* of the plan (297.70), M = ⌈5 · (0.01826 +
    /// 0.19495)⌉ = 2 mixed GPUs, and a revenue per GPU that is, for each seed, the completions priced
    /// by hand at the bundled rates (code 0.1 · 300 + 0.2 · 1000 = 230, summarize 0.1 · 3000 + 0.2 ·
    /// 400 = 380) per GPU-second of the 40 s window; the summary's mean and sample std are those of
    /// the two seeds' revenues, and its ratio is the mean over R*. It decodes to the same value.
    @Test func summaryIsCodable() throws {
        let summary = try CTMCExperiment.run(
            instance: ConvergenceInstance.instance(gpus: 5), plan: CTMCFixtures.convergencePlan, policy: .sliAware,
            horizon: 50, warmup: 10, seeds: [1, 2])
        let data = try JSONEncoder().encode(summary)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["policy"] as? String == "sli-aware")
        #expect(json["seeds"] as? [Int] == [1, 2])
        #expect(json["gpus"] as? Int == 5)
        #expect(json["mixedGPUs"] as? Int == 2)
        #expect(json["planRevenuePerGPU"] as? Double == 297.70)
        let runs = try #require(json["runs"] as? [[String: Any]])
        let prices = [230.0, 380.0]
        let revenues = try runs.map { run in
            let classes = try #require(run["classes"] as? [[String: Any]])
            let completions = try classes.map { try #require($0["completions"] as? Int) }
            #expect(completions.allSatisfy { $0 > 0 })
            return zip(prices, completions).reduce(0) { $0 + $1.0 * Double($1.1) } / (5 * 40)
        }
        #expect(revenues.count == 2 && revenues[0] != revenues[1])
        let revenue = try #require(json["revenuePerGPU"] as? [String: Double])
        let mean = (revenues[0] + revenues[1]) / 2
        #expect(abs(try #require(revenue["mean"]) - mean) < 1e-9 * mean)
        #expect(abs(try #require(revenue["std"]) - abs(revenues[0] - revenues[1]) / 2.0.squareRoot()) < 1e-9 * mean)
        let ratio = try #require(json["ratioToPlan"] as? [String: Double])
        #expect(abs(try #require(ratio["mean"]) - mean / 297.70) < 1e-9)
        #expect(try JSONDecoder().decode(CTMCSummary.self, from: data) == summary)
    }
}
