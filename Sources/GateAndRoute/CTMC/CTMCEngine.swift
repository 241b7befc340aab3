import ServingModel

/// The paper's stochastic model (fidelity level 1) as an event-driven CTMC, simulated by competing
/// exponentials on aggregated rates (Gillespie's direct method).
///
/// Per class i the event categories are: arrival (rate nλ_i), prefill completion (μ_{p,i}·X_i),
/// decode completion, abandonment from the prefill queue (θ_i·Q_{p,i}) and from the decode
/// buffer(s) (θ_i·Q_{d,i}). Each step draws the holding time (ziggurat exponential), picks a category
/// with probability proportional to its rate and then a uniformly random member of it (the
/// category's residual uniform is reused for that). Members live in dense arrays with back-indices
/// (swap-remove), so an event costs O(K).
///
/// Decode completions are thinned (exact, as in uniformisation): the class-i category fires at the
/// bound μ̄_i·Y_i with μ̄_i = max(μ_{m,i}, μ_{s,i}) and Y_i all class-i decodes; the chosen decode
/// completes with probability μ_i(g)/μ̄_i, μ_i(g) being μ_{m,i} while its GPU g runs a prefill and
/// μ_{s,i} otherwise, and the event is void otherwise. A GPU that starts or stops a prefill thus
/// changes its decodes' speed in O(K) (per-GPU per-class counts), not O(B). Y_{m,i} and Y_{s,i}
/// count decodes by **speed**: mixed while their GPU runs a prefill, solo otherwise.
///
/// A decoding job is identified by its slot g·B + k, k < (decodes on GPU g); the slots of a GPU are
/// kept compact (the last one moves into a freed one), and every slot knows its position in its
/// class's array.
struct CTMCEngine {
    // MARK: configuration
    let n: Int
    let B: Int
    let K: Int
    let placement: CTMCPlacement
    let admission: CTMCAdmission
    let execution: CTMCExecution
    let zeroTarget: ZeroTargetAdmission
    let decodeBackPressure: Bool
    /// Static plan: M (GPUs 0..<M are mixed); shared: n.
    let mixedGPUs: Int
    let horizon: Double
    let warmup: Double
    let arena = CTMCArena()

    // MARK: per-class constants
    let arrivalRate: FixedBuffer<Double>  // nλ_i
    let muP: FixedBuffer<Double>
    let muM: FixedBuffer<Double>
    let muS: FixedBuffer<Double>
    let muBound: FixedBuffer<Double>  // max(μ_m, μ_s)
    let theta: FixedBuffer<Double>
    let targetX: FixedBuffer<Double>  // n x_i*
    let targetQ: FixedBuffer<Double>  // n q_{p,i}*
    let inverseX: FixedBuffer<Double>  // 1/x_i*, 0 when x_i* = 0
    let hasTarget: FixedBuffer<Bool>
    let rationed: FixedBuffer<Bool>  // q_{p,i}* > 0
    let soloProbability: FixedBuffer<Double>  // p_{s,i}
    let poolWeight: FixedBuffer<Double>  // [pool·K + i], pool 0 mixed, 1 solo: ϖ
    let priorityOrder: FixedBuffer<Int>  // classes by D_i/P_i, largest first
    let bundledValue: FixedBuffer<Double>  // w_i
    let prefillValue: FixedBuffer<Double>  // c_p P_i
    let decodeValue: FixedBuffer<Double>  // c_d D_i

    // MARK: GPUs, slots, decodes
    let gpuPrefill: FixedBuffer<Int32>  // class of the running prefill, −1 when none
    let gpuDecodes: FixedBuffer<Int32>
    let gpuClassDecodes: FixedBuffer<Int32>  // [g·K + i]
    let gpuSolo: FixedBuffer<Bool>  // static plan: in the solo pool
    let slotClass: FixedBuffer<Int32>
    let slotIndex: FixedBuffer<Int32>  // position in its class's decode array
    let slotCapacity: Int
    let decodeSlots: FixedBuffer<Int32>  // [i·slotCapacity + index]
    let decodeCount: FixedBuffer<Int>  // Y_i
    let mixedSpeedCount: FixedBuffer<Int>  // Y_{m,i}: class-i decodes on GPUs running a prefill
    let prefillGPUs: FixedBuffer<Int32>  // [i·n + index]
    let prefillCount: FixedBuffer<Int>  // X_i
    let gpuPrefillIndex: FixedBuffer<Int32>

    /// Static plan: mixed GPUs with an idle prefill slot. Shared: GPUs with no prefill and < B streams.
    var admitSet: IndexSet32
    /// Static plan: solo GPUs with fewer than B decodes.
    var soloFree: IndexSet32
    /// Static plan: mixed GPUs with fewer than B−1 decodes.
    var mixedFree: IndexSet32
    /// gf-wsp: GPUs with fewer than B streams (prefill included).
    var anyFree: IndexSet32

    var prefillLine: WaitingLine
    /// One buffer (index 0), or per pool (0 mixed, 1 solo) for the SLI-aware routers.
    var decodeLines: [WaitingLine]
    let decodeWaiting: FixedBuffer<Int>  // Q_{d,i} over all decode lines

    // MARK: randomness, clock, statistics
    var rng: SeededRandom
    var policyRng: SeededRandom
    let exponential: ZigguratExponential
    var now = 0.0
    var counting = false
    var events = 0
    var voidEvents = 0
    let rates: FixedBuffer<Double>  // [5i + kind]
    let integrals: FixedBuffer<Double>  // [5i + k]: X, Y_m, Y_s, Q_p, Q_d (∫ over [warmup, horizon])
    let counters: FixedBuffer<Int>  // [5i + k]: arrivals, prefill completions, completions, prefill and decode abandonments
    let inSystemAtWarmup: FixedBuffer<Int>
    var warmupSnapshotTaken = false
    var bundledRevenue = 0.0
    var separateRevenue = 0.0

    init(
        instance: GateRouteInstance, plan: GateRoutePlan, policy: GateRoutePolicy, gpus: Int,
        horizon: Double, warmup: Double, seed: UInt64, options: CTMCOptions
    ) {
        n = gpus
        B = instance.engine.batchSize
        K = instance.classes.count
        placement = policy.placement
        admission = policy.admission
        execution = policy.execution
        zeroTarget = options.zeroTargetClasses
        decodeBackPressure = options.rationedClasses == .whenDecodeIdle
        self.horizon = horizon
        self.warmup = warmup
        let classes = instance.classes
        let rates = instance.rates
        let scale = Double(gpus)

        arrivalRate = arena.buffer(classes.map { scale * $0.arrivalRate }, padding: 0)
        muP = arena.buffer(rates.prefill, padding: 0)
        muM = arena.buffer(rates.mixedDecode, padding: 0)
        muS = arena.buffer(rates.soloDecode, padding: 0)
        muBound = arena.buffer(zip(rates.mixedDecode, rates.soloDecode).map { max($0, $1) }, padding: 0)
        theta = arena.buffer(classes.map(\.abandonmentRate), padding: 0)
        let targets = plan.classes
        targetX = arena.buffer(targets.map { scale * $0.prefillOccupancy }, padding: 0)
        targetQ = arena.buffer(targets.map { scale * $0.prefillQueue }, padding: 0)
        hasTarget = arena.buffer(targets.map { $0.prefillOccupancy > Self.zeroTargetThreshold }, padding: false)
        rationed = arena.buffer(targets.map(\.isRationed), padding: false)
        inverseX = arena.buffer(
            targets.map { $0.prefillOccupancy > Self.zeroTargetThreshold ? 1 / $0.prefillOccupancy : 0 }, padding: 0)
        var probabilities: [Double] = []
        var mixedShare: [Double] = []
        var soloShare: [Double] = []
        for i in 0..<K {
            let mixed = rates.mixedDecode[i] * targets[i].mixedDecodeOccupancy
            let solo = rates.soloDecode[i] * targets[i].soloDecodeOccupancy
            probabilities.append(mixed + solo > 0 ? solo / (mixed + solo) : 1)
            mixedShare.append(mixed)
            soloShare.append(solo)
        }
        soloProbability = arena.buffer(probabilities, padding: 0)
        let mixedTotal = mixedShare.reduce(0, +)
        let soloTotal = soloShare.reduce(0, +)
        poolWeight = arena.buffer(
            mixedShare.map { mixedTotal > 0 ? $0 / mixedTotal : 0 } + soloShare.map { soloTotal > 0 ? $0 / soloTotal : 0 },
            padding: 0)
        let order = (0..<K).sorted {
            let left = classes[$0].decodeTokens / classes[$0].promptTokens
            let right = classes[$1].decodeTokens / classes[$1].promptTokens
            return left != right ? left > right : $0 < $1
        }
        priorityOrder = arena.buffer(order, padding: 0)
        bundledValue = arena.buffer(classes.map { instance.pricing.bundledRevenue(of: $0) }, padding: 0)
        prefillValue = arena.buffer(classes.map { instance.pricing.prefillPrice * $0.promptTokens }, padding: 0)
        decodeValue = arena.buffer(classes.map { instance.pricing.decodePrice * $0.decodeTokens }, padding: 0)

        gpuPrefill = arena.buffer(repeating: -1, count: n)
        gpuDecodes = arena.buffer(repeating: 0, count: n)
        gpuClassDecodes = arena.buffer(repeating: 0, count: n * K)
        let mixedCount = policy.placement == .staticPlan ? plan.mixedGPUs(forGPUs: gpus, safety: options.mixedSafety) : gpus
        mixedGPUs = mixedCount
        gpuSolo = arena.buffer((0..<gpus).map { $0 >= mixedCount }, padding: false)
        slotCapacity = n * B
        slotClass = arena.buffer(repeating: 0, count: slotCapacity)
        slotIndex = arena.buffer(repeating: 0, count: slotCapacity)
        decodeSlots = arena.buffer(repeating: 0, count: K * slotCapacity)
        decodeCount = arena.buffer(repeating: 0, count: K)
        mixedSpeedCount = arena.buffer(repeating: 0, count: K)
        prefillGPUs = arena.buffer(repeating: 0, count: K * n)
        prefillCount = arena.buffer(repeating: 0, count: K)
        gpuPrefillIndex = arena.buffer(repeating: -1, count: n)

        admitSet = IndexSet32(capacity: n, arena: arena)
        soloFree = IndexSet32(capacity: n, arena: arena)
        mixedFree = IndexSet32(capacity: n, arena: arena)
        anyFree = IndexSet32(capacity: n, arena: arena)

        prefillLine = WaitingLine(classes: K, ordered: admission == .fcfs, arena: arena)
        let (lines, ordered): (Int, Bool) =
            switch execution {
            case .immediate: (1, false)
            case .greedySoloFirst, .anyFreeSlotPrefillFirst: (1, true)
            case .poolSplitFCFS: (2, true)
            case .poolSplitWeighted: (2, false)
            }
        let lineArena = arena
        let classCount = K
        decodeLines = (0..<lines).map { _ in WaitingLine(classes: classCount, ordered: ordered, arena: lineArena) }
        decodeWaiting = arena.buffer(repeating: 0, count: K)

        let root = SeededRandom(seed: seed)
        rng = root.substream(0)
        policyRng = root.substream(1)
        exponential = ZigguratExponential(arena: arena)
        self.rates = arena.buffer(repeating: 0, count: 5 * K)
        integrals = arena.buffer(repeating: 0, count: 5 * K)
        counters = arena.buffer(repeating: 0, count: 5 * K)
        inSystemAtWarmup = arena.buffer(repeating: 0, count: K)
        for g in 0..<n { refresh(g) }
    }

    /// x_i* at or below this is treated as a zero target (LP round-off).
    static let zeroTargetThreshold = 1e-12

    /// Jobs of class i anywhere in the system.
    func inSystem(_ i: Int) -> Int {
        prefillLine.counts[i] + prefillCount[i] + decodeWaiting[i] + decodeCount[i]
    }

    // MARK: the event loop

    mutating func run() {
        let categories = 5 * K
        while true {
            var total = 0.0
            for i in 0..<K {
                let base = 5 * i
                let arrival = arrivalRate[i]
                let prefill = muP[i] * Double(prefillCount[i])
                let decode = muBound[i] * Double(decodeCount[i])
                let queueAbandon = theta[i] * Double(prefillLine.counts[i])
                let bufferAbandon = theta[i] * Double(decodeWaiting[i])
                rates[base] = arrival
                rates[base + 1] = prefill
                rates[base + 2] = decode
                rates[base + 3] = queueAbandon
                rates[base + 4] = bufferAbandon
                total += (arrival + prefill) + decode + (queueAbandon + bufferAbandon)
            }
            let next = total > 0 ? now + exponential.next(&rng) / total : horizon
            if next >= horizon {
                accumulate(until: horizon)
                takeWarmupSnapshotIfDue(at: horizon)
                now = horizon
                break
            }
            accumulate(until: next)
            takeWarmupSnapshotIfDue(at: next)
            now = next
            counting = next >= warmup

            var residual = rng.uniform() * total
            var chosen = -1
            for c in 0..<categories {
                let rate = rates[c]
                if residual < rate {
                    chosen = c
                    break
                }
                residual -= rate
            }
            if chosen < 0 {  // round-off: the last category with a positive rate
                chosen = categories - 1
                while rates[chosen] <= 0 { chosen -= 1 }
                residual = 0
            }
            let i = chosen / 5
            switch chosen - 5 * i {
            case 0:
                arrive(i)
            case 1:
                let index = member(residual, rate: muP[i], count: prefillCount[i])
                finishPrefill(gpu: Int(prefillGPUs[i * n + index]), class: i)
            case 2:
                // Thinning: residual / μ̄_i = index + fraction, the fraction uniform and independent of the index.
                let scaled = residual / muBound[i]
                let index = min(Int(scaled), decodeCount[i] - 1)
                let slot = Int(decodeSlots[i * slotCapacity + index])
                let rate = gpuPrefill[slot / B] >= 0 ? muM[i] : muS[i]
                if rate >= muBound[i] || (scaled - Double(index)) * muBound[i] < rate {
                    finishDecode(slot: slot)
                } else {
                    if counting { voidEvents += 1 }
                    continue
                }
            case 3:
                let index = member(residual, rate: theta[i], count: prefillLine.counts[i])
                prefillLine.remove(i, position: index)
                if counting { counters[5 * i + 3] += 1 }
            default:
                let index = member(residual, rate: theta[i], count: decodeWaiting[i])
                abandonDecodeBuffer(class: i, position: index)
                if counting { counters[5 * i + 4] += 1 }
                admitIfDecodeDrained()
            }
            if counting { events += 1 }
        }
    }

    /// The member index a category's residual uniform in [0, rate·count) points to.
    @inline(__always) func member(_ residual: Double, rate: Double, count: Int) -> Int {
        min(Int(residual / rate), count - 1)
    }

    /// Adds the state's contribution over [now, end] ∩ [warmup, horizon] to the time integrals.
    @inline(__always) mutating func accumulate(until end: Double) {
        let start = now > warmup ? now : warmup
        guard end > start else { return }
        let width = end - start
        for i in 0..<K {
            let base = 5 * i
            integrals[base] += Double(prefillCount[i]) * width
            let mixed = mixedSpeedCount[i]
            integrals[base + 1] += Double(mixed) * width
            integrals[base + 2] += Double(decodeCount[i] - mixed) * width
            integrals[base + 3] += Double(prefillLine.counts[i]) * width
            integrals[base + 4] += Double(decodeWaiting[i]) * width
        }
    }

    /// Records the jobs in system at the warm-up time (the state in force there), once.
    @inline(__always) mutating func takeWarmupSnapshotIfDue(at time: Double) {
        guard !warmupSnapshotTaken, time >= warmup else { return }
        warmupSnapshotTaken = true
        for i in 0..<K { inSystemAtWarmup[i] = inSystem(i) }
    }

    /// Removes the class-i decode-buffer job at `position` of all class-i waiting decodes (line by line).
    mutating func abandonDecodeBuffer(class i: Int, position: Int) {
        var position = position
        for line in decodeLines.indices {
            let count = decodeLines[line].counts[i]
            if position < count {
                decodeLines[line].remove(i, position: position)
                decodeWaiting[i] -= 1
                return
            }
            position -= count
        }
    }
}
