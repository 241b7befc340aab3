import ServingModel
import Simulation

/// The gate-and-route policies and baselines as `Simulation` cluster policies, for the token-level
/// simulator (real batches, deterministic or sampled lengths).
///
/// Replicas with role `.mixed` reserve their prefill slot (one prefill at a time, ≤ B − 1 decodes);
/// `.solo` replicas only decode (≤ B). Policies with a static plan (`gate-and-route`,
/// `prioritize-and-route`, `sli-aware`, `fg-sp`) run on M mixed and n − M solo replicas; the
/// others (`fi-wsp`, `gi-wsp`) on n general replicas where decode stays where prefill ran.
/// Differences from the CTMC level, by construction of the token-level engine: a request abandons
/// only while waiting for its first prefill (not in the decode buffer); the SLI-aware router's
/// per-pool buffers are approximated by one FCFS buffer per class in which a head-of-line request
/// waits for a slot in its drawn pool.
public struct TokenLevelGateRoutePolicy: ClusterPolicy {
    /// Which admission rule runs the prefill gate.
    public enum Gate: Sendable {
        /// Occupancy deviation ξ_i = (X_i − n x_i*)/x_i*, ties by the largest queue deviation δ_i.
        case occupancyDeviation
        /// Strict priority by the largest D_i/P_i (prioritize-and-route).
        case largestDecodeToPromptRatio
        /// The oldest waiting job of any class.
        case fcfs
    }

    /// Where a finished prefill decodes.
    public enum Router: Sendable {
        /// A free solo slot at random, else a free mixed decode slot at random, else the buffer.
        case soloFirst
        /// Solo pool with probability p_{s,i}, else the mixed pool; random free slot in the pool, else wait.
        case sliAware(soloProbability: [Double])
        /// Stay on the GPU that ran the prefill (immediate execution).
        case immediate
    }

    public let name: String
    private let gate: Gate
    private let router: Router
    private let targets: [(prefill: Double, queue: Double)]
    private let decodeToPrompt: [Double]
    /// Decode back-pressure: classes the plan rations wait while any decode is buffered.
    private let holdsRationedClasses: [Bool]
    private var inPrefill: [Int: Int] = [:]
    private var prefillsByClass: [Int]
    private var pool: [Int: Bool] = [:]
    private var random: SeededRandom

    /// - Parameters:
    ///   - plan: the LP plan (targets n·x_i* and n·q_{p,i}*).
    ///   - gpus: n.
    ///   - rationedClasses: `.whenDecodeIdle` holds classes the plan rations while a decode is buffered
    ///     (occupancy gate only; see `RationedAdmission`).
    public init(
        name: String, gate: Gate, router: Router, plan: GateRoutePlan, classes: [GateRouteClass], gpus: Int, seed: UInt64,
        rationedClasses: RationedAdmission = .always
    ) {
        self.name = name
        self.gate = gate
        self.router = router
        targets = plan.classes.map { (Double(gpus) * $0.prefillOccupancy, Double(gpus) * $0.prefillQueue) }
        decodeToPrompt = classes.map { $0.decodeTokens / $0.promptTokens }
        let backPressure: Bool
        if case .occupancyDeviation = gate { backPressure = rationedClasses == .whenDecodeIdle } else { backPressure = false }
        holdsRationedClasses = plan.classes.map { backPressure && $0.isRationed }
        prefillsByClass = [Int](repeating: 0, count: classes.count)
        random = SeededRandom(seed: seed)
    }

    // MARK: Prefill admission

    public mutating func route(_ request: RequestInfo, load: ClusterLoad) -> Int? {
        guard load.held == 0, admissible(request.classIndex, load: load), let replica = freePrefillReplica(load) else { return nil }
        startPrefill(request)
        return replica
    }

    public mutating func dispatchHeld(_ candidates: [RequestInfo], load: ClusterLoad) -> (candidate: Int, replica: Int)? {
        guard let replica = freePrefillReplica(load) else { return nil }
        let eligible = candidates.indices.filter { admissible(candidates[$0].classIndex, load: load) }
        guard !eligible.isEmpty else { return nil }
        let choice: Int
        switch gate {
        case .fcfs:
            choice = eligible.min { candidates[$0].arrivalTime < candidates[$1].arrivalTime }!
        case .largestDecodeToPromptRatio:
            choice = eligible.max { decodeToPrompt[candidates[$0].classIndex] < decodeToPrompt[candidates[$1].classIndex] }!
        case .occupancyDeviation:
            func xi(_ k: Int) -> Double {
                let c = candidates[k].classIndex
                return (Double(prefillsByClass[c]) - targets[c].prefill) / targets[c].prefill
            }
            func delta(_ k: Int) -> Double {
                let c = candidates[k].classIndex
                return Double(load.heldPerClass[c]) - targets[c].queue
            }
            choice = eligible.min { xi($0) != xi($1) ? xi($0) < xi($1) : delta($0) > delta($1) }!
        }
        startPrefill(candidates[choice])
        return (choice, replica)
    }

    /// The occupancy gate never admits a class whose target x_i* is 0 (it would divide by zero; the
    /// paper leaves the case open), nor, with back-pressure, a rationed class while decodes are buffered.
    private func admissible(_ classIndex: Int, load: ClusterLoad) -> Bool {
        if holdsRationedClasses[classIndex], load.bufferedPerClass.contains(where: { $0 > 0 }) { return false }
        if case .occupancyDeviation = gate { return targets[classIndex].prefill > 0 }
        return true
    }

    private mutating func startPrefill(_ request: RequestInfo) {
        inPrefill[request.id] = request.classIndex
        prefillsByClass[request.classIndex] += 1
    }

    private mutating func endPrefill(_ request: RequestInfo) {
        if let classIndex = inPrefill.removeValue(forKey: request.id) { prefillsByClass[classIndex] -= 1 }
    }

    private func freePrefillReplica(_ load: ClusterLoad) -> Int? {
        for index in 0..<load.count where load.roles[index] != .solo {
            if load.roles[index] == .mixed ? load.prefilling[index] == 0 : load.prefilling[index] == 0 && load.hasFreeSlot(index) {
                return index
            }
        }
        return nil
    }

    // MARK: Decode routing

    public mutating func placeDecode(_ request: RequestInfo, prefilledOn replica: Int, load: ClusterLoad) -> DecodePlacement {
        endPrefill(request)
        switch router {
        case .immediate:
            return .stay
        case .soloFirst:
            return freeDecodeReplica(load, role: .solo).map(DecodePlacement.replica)
                ?? freeDecodeReplica(load, role: .mixed).map(DecodePlacement.replica) ?? .buffer
        case let .sliAware(probabilities):
            let solo = random.uniform() <= probabilities[request.classIndex]
            pool[request.id] = solo
            if let target = freeDecodeReplica(load, role: solo ? .solo : .mixed) {
                pool[request.id] = nil
                return .replica(target)
            }
            return .buffer
        }
    }

    public mutating func dispatchDecode(_ candidates: [RequestInfo], load: ClusterLoad) -> (candidate: Int, replica: Int)? {
        let order = candidates.indices.sorted { candidates[$0].arrivalTime < candidates[$1].arrivalTime }
        for k in order {
            let request = candidates[k]
            let target: Int?
            if let solo = pool[request.id] {
                target = freeDecodeReplica(load, role: solo ? .solo : .mixed)
            } else {
                target = freeDecodeReplica(load, role: .solo) ?? freeDecodeReplica(load, role: .mixed)
            }
            if let target {
                pool[request.id] = nil
                return (k, target)
            }
        }
        return nil
    }

    public mutating func didComplete(_ request: RequestInfo, replica: Int, load: ClusterLoad) {
        endPrefill(request)  // a one-token request completes at the end of its prefill
    }

    /// A uniformly random replica of `role` with a free decode slot.
    private mutating func freeDecodeReplica(_ load: ClusterLoad, role: ReplicaRole) -> Int? {
        var eligible = 0
        for index in 0..<load.count where load.roles[index] == role && load.hasFreeDecodeSlot(index) { eligible += 1 }
        guard eligible > 0 else { return nil }
        var pick = random.integer(in: 1...eligible)
        for index in 0..<load.count where load.roles[index] == role && load.hasFreeDecodeSlot(index) {
            pick -= 1
            if pick == 0 { return index }
        }
        return nil
    }
}
