import Planning

/// Why a CTMC run was refused.
public enum CTMCError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidGPUCount(Int)
    case invalidBatchSize(Int)
    case invalidWindow(horizon: Double, warmup: Double)
    case planClassMismatch(planClasses: Int, instanceClasses: Int)
    case invalidClass(name: String)
    case noSeeds
    /// n·B decode slots beyond the 32-bit slot indices.
    case tooManySlots(gpus: Int, batchSize: Int)

    public var description: String {
        switch self {
        case .invalidGPUCount(let n): "the CTMC needs at least one GPU (got \(n))"
        case .invalidBatchSize(let b): "the CTMC needs a batch size B of at least 2 (got \(b))"
        case .invalidWindow(let horizon, let warmup):
            "the CTMC needs 0 ≤ warmup < horizon < ∞ (got warmup \(warmup), horizon \(horizon))"
        case .planClassMismatch(let planClasses, let instanceClasses):
            "the plan has \(planClasses) classes but the instance has \(instanceClasses)"
        case .invalidClass(let name):
            "class \(name) needs positive finite token counts and engine rates, and finite non-negative λ and θ"
        case .noSeeds: "the experiment needs at least one seed"
        case .tooManySlots(let gpus, let batchSize):
            "the CTMC indexes n·B = \(gpus) × \(batchSize) decode slots in 32 bits; at most \(Int32.max) are possible"
        }
    }
}

/// One seeded run of the paper's CTMC (fidelity level 1) under one policy.
///
/// **Model** (research notes §1). n GPUs; class-i arrivals Poisson(nλ_i) join the class's prefill
/// queue (FCFS within the class); a prefill takes Exp(μ_{p,i}) on a GPU's single prefill slot; the job
/// then needs a decode slot and decodes for Exp(μ_{m,i}) while its GPU runs a prefill and Exp(μ_{s,i})
/// otherwise (rates switch as the GPU's mode changes — memorylessness makes this exact); jobs waiting
/// in the prefill queue or a decode buffer abandon at rate θ_i. A GPU runs at most one prefill and at
/// most B streams including it. No preemption. The system starts empty at t = 0.
///
/// **Revenue and metrics.** Bundled: w_i = c_p P_i + c_d D_i per completed decode; separate: c_p P_i
/// per completed prefill plus c_d D_i per completed decode. Both are booked over [warmup, horizon]
/// and reported per GPU per second; `revenuePerGPU` and `ratioToPlan` use the instance's scheme.
/// Occupancies and queues are exact time averages over the same window, divided by n.
///
/// **Method.** `CTMCEngine`: Gillespie's direct method on per-class aggregated rates, ziggurat
/// exponential holding times, thinning for the mode-dependent decode rates; O(K) work per event
/// (about 10–15 million events per second in a release build on one core; n = 500, T = 10,000 s,
/// 5 seeds, all eight policies take under a minute).
///
/// **Randomness.** `SeededRandom(seed:)` only, no global state: substream 0 drives the clock and the
/// choice of events, substream 1 the policies' random choices (GPU picks, pool draws, ϖ draws). The
/// same inputs and seed give the same result bit for bit.
public enum CTMCSimulation {
    /// Simulates `policy` on `instance` with `gpus` GPUs (default: `instance.gpus`) from an empty
    /// system over [0, horizon] and measures over [warmup, horizon]. Deterministic in `seed`.
    public static func run(
        instance: GateRouteInstance, plan: GateRoutePlan, policy: GateRoutePolicy, gpus: Int? = nil,
        horizon: Double, warmup: Double, seed: UInt64, options: CTMCOptions = CTMCOptions()
    ) throws -> CTMCRunResult {
        let n = gpus ?? instance.gpus
        try validate(instance: instance, plan: plan, gpus: n, horizon: horizon, warmup: warmup)
        var engine = CTMCEngine(
            instance: instance, plan: plan, policy: policy, gpus: n, horizon: horizon, warmup: warmup, seed: seed,
            options: options)
        engine.run()
        return result(of: engine, instance: instance, plan: plan, policy: policy, seed: seed)
    }

    static func validate(
        instance: GateRouteInstance, plan: GateRoutePlan, gpus: Int, horizon: Double, warmup: Double
    ) throws {
        guard gpus >= 1 else { throw CTMCError.invalidGPUCount(gpus) }
        guard instance.engine.batchSize >= 2 else { throw CTMCError.invalidBatchSize(instance.engine.batchSize) }
        let (slots, overflow) = gpus.multipliedReportingOverflow(by: instance.engine.batchSize)
        guard !overflow, slots <= Int(Int32.max) else {
            throw CTMCError.tooManySlots(gpus: gpus, batchSize: instance.engine.batchSize)
        }
        guard warmup >= 0, horizon > warmup, horizon.isFinite else {
            throw CTMCError.invalidWindow(horizon: horizon, warmup: warmup)
        }
        guard plan.classes.count == instance.classes.count else {
            throw CTMCError.planClassMismatch(planClasses: plan.classes.count, instanceClasses: instance.classes.count)
        }
        let rates = instance.rates
        for (i, c) in instance.classes.enumerated() {
            let positive = [rates.prefill[i], rates.mixedDecode[i], rates.soloDecode[i]]
            let nonNegative = [c.arrivalRate, c.abandonmentRate]
            guard positive.allSatisfy({ $0 > 0 && $0.isFinite }), nonNegative.allSatisfy({ $0 >= 0 && $0.isFinite })
            else { throw CTMCError.invalidClass(name: c.name) }
        }
    }

    static func result(
        of engine: CTMCEngine, instance: GateRouteInstance, plan: GateRoutePlan, policy: GateRoutePolicy, seed: UInt64
    ) -> CTMCRunResult {
        let n = Double(engine.n)
        let window = engine.horizon - engine.warmup
        let perGPUTime = n * window
        var classes: [CTMCClassResult] = []
        var mixedDecoding = 0.0
        var soloDecoding = 0.0
        var buffer = 0.0
        for (i, c) in instance.classes.enumerated() {
            let base = 5 * i
            mixedDecoding += engine.integrals[base + 1]
            soloDecoding += engine.integrals[base + 2]
            buffer += engine.integrals[base + 4]
            classes.append(
                CTMCClassResult(
                    name: c.name,
                    state: ClassState(
                        prefillOccupancy: engine.integrals[base] / perGPUTime,
                        mixedDecodeOccupancy: engine.integrals[base + 1] / perGPUTime,
                        soloDecodeOccupancy: engine.integrals[base + 2] / perGPUTime,
                        prefillQueue: engine.integrals[base + 3] / perGPUTime,
                        decodeQueue: engine.integrals[base + 4] / perGPUTime),
                    throughputPerGPU: Double(engine.counters[base + 2]) / perGPUTime,
                    arrivals: engine.counters[base],
                    prefillCompletions: engine.counters[base + 1],
                    completions: engine.counters[base + 2],
                    prefillAbandonments: engine.counters[base + 3],
                    decodeAbandonments: engine.counters[base + 4],
                    inSystemAtWarmup: engine.inSystemAtWarmup[i],
                    inSystemAtEnd: engine.inSystem(i)))
        }
        let bundled = engine.bundledRevenue / perGPUTime
        let separate = engine.separateRevenue / perGPUTime
        let revenue = instance.pricing.scheme == .bundled ? bundled : separate
        let decoding = mixedDecoding + soloDecoding
        let tau = instance.engine.mixedIterationSeconds
        let tpot = decoding > 0 ? (tau * mixedDecoding + soloDecoding / instance.engine.gamma) / decoding : 0
        return CTMCRunResult(
            policy: policy, gpus: engine.n,
            mixedGPUs: engine.mixedGPUs,
            horizon: engine.horizon, warmup: engine.warmup, seed: seed, scheme: instance.pricing.scheme,
            revenuePerGPU: revenue, bundledRevenuePerGPU: bundled, separateRevenuePerGPU: separate,
            planRevenuePerGPU: plan.revenuePerGPU,
            ratioToPlan: plan.revenuePerGPU != 0 ? revenue / plan.revenuePerGPU : 0,
            decodeBuffer: buffer / perGPUTime, averageTPOT: tpot, events: engine.events, classes: classes)
    }
}

/// Multi-seed runs of the CTMC.
public enum CTMCExperiment {
    /// Runs `policy` once per seed (sequentially, one core, each seed announced to `progress`) and
    /// summarises each metric over seeds as an `Estimate`.
    public static func run(
        instance: GateRouteInstance, plan: GateRoutePlan, policy: GateRoutePolicy, gpus: Int? = nil,
        horizon: Double, warmup: Double, seeds: [UInt64], options: CTMCOptions = CTMCOptions(),
        progress: ProgressReporter = .silent
    ) throws -> CTMCSummary {
        guard !seeds.isEmpty else { throw CTMCError.noSeeds }
        let runs = try SeedRuns.map(seeds, progress: progress, label: policy.rawValue) { seed in
            try CTMCSimulation.run(
                instance: instance, plan: plan, policy: policy, gpus: gpus, horizon: horizon, warmup: warmup, seed: seed,
                options: options)
        }
        return CTMCSummary(runs: runs)
    }

    /// `run` for each policy in turn (same seeds).
    public static func run(
        instance: GateRouteInstance, plan: GateRoutePlan, policies: [GateRoutePolicy] = GateRoutePolicy.allCases,
        gpus: Int? = nil, horizon: Double, warmup: Double, seeds: [UInt64], options: CTMCOptions = CTMCOptions()
    ) throws -> [CTMCSummary] {
        try policies.map {
            try run(
                instance: instance, plan: plan, policy: $0, gpus: gpus, horizon: horizon, warmup: warmup, seeds: seeds,
                options: options)
        }
    }
}
