/// The control policies of the paper's CTMC (fidelity level 1): the proposed ones (§3.1–§3.3 of the
/// research notes) and the §6.3 baselines (Fig. 7), by the names the CLI and the reports use.
///
/// Each policy is three choices, made explicit by `placement`, `admission` and `execution`:
///
/// | policy | static pool split | admission (which class starts a prefill) | decode execution |
/// |---|---|---|---|
/// | `gate-and-route` (GG-SP) | yes | ξ gate | greedy solo-first router, one FCFS buffer, waiting decodes first |
/// | `prioritize-and-route` | yes | largest D_i/P_i | as GG-SP |
/// | `sli-aware` | yes | ξ gate | pool draw p_{s,i}, one FCFS buffer per pool |
/// | `sli-aware-general` | yes | ξ gate | pool draw p_{s,i}, per-class buffers per pool, class drawn by ϖ |
/// | `fi-wsp` | no | FCFS across classes | immediate (decode stays in the prefill's slot) |
/// | `gi-wsp` | no | ξ gate | immediate |
/// | `gf-wsp` | no | ξ gate | decoupled, any free slot at random, new prefill before waiting decode |
/// | `fg-sp` | yes | FCFS across classes | as GG-SP |
///
/// Readings of the paper where it is silent (kept simple on purpose):
/// - **Static plan** (`placement == .staticPlan`): M = `plan.mixedGPUs(forGPUs: n)` mixed GPUs reserve
///   their prefill slot (at most B−1 decodes whether or not a prefill runs), the other n−M never prefill
///   (at most B decodes). A mixed GPU whose prefill slot frees admits the gate's choice onto that same
///   GPU; an arrival that finds several idle prefill slots takes one uniformly at random.
/// - **Work sharing** (`.shared`, the WSP baselines): every GPU may run a prefill when it runs none and
///   holds fewer than B streams; it may then hold up to B−1 decodes beside it, and up to B decodes with
///   no prefill. An arrival that finds several eligible GPUs takes one uniformly at random.
/// - **gf-wsp**: "decoupled" means the job that finishes prefill releases its slot and asks a router for
///   a decode slot: uniformly at random among all GPUs with a free stream slot (there is no solo pool to
///   prefer), else one FCFS buffer across classes. "Prefill before decode": when a slot frees on a GPU
///   that runs no prefill and the gate has a class to admit, the slot starts that prefill; only
///   otherwise does the head of the decode buffer take it.
/// - **fi-wsp / fg-sp** ("FCFS"): the oldest waiting job over all classes (by arrival time); every class
///   is admissible, including classes with x_i* = 0.
/// - **Immediate execution** (`fi-wsp`, `gi-wsp`): when a prefill ends the job decodes in the same slot
///   of the same GPU until it completes; there is no decode buffer.
/// - Whatever the policy, a GPU's decodes run at mixed speed μ_{m,i} exactly while that GPU runs a
///   prefill, and at solo speed μ_{s,i} otherwise (so a mixed-pool GPU with an idle prefill slot
///   decodes at solo speed).
public enum GateRoutePolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// GG-SP: static plan, ξ gate, greedy solo-first decode router (bundled charging, Thm 4.1).
    case gateAndRoute = "gate-and-route"
    /// Static plan, strict priority to the largest D_i/P_i, greedy router (separate charging, Thm 4.2).
    case prioritizeAndRoute = "prioritize-and-route"
    /// Static plan, ξ gate, probabilistic pool router with one FCFS buffer per pool (Thm 5.1).
    case sliAware = "sli-aware"
    /// As `sliAware`, with per-class pool buffers and the ϖ class draw when a slot frees (EC §13, q_d* > 0).
    case sliAwareGeneral = "sli-aware-general"
    /// FCFS admission, immediate execution, no static plan ("standard industry baseline").
    case fiWSP = "fi-wsp"
    /// ξ gate with the plan's targets, immediate execution, no static plan.
    case giWSP = "gi-wsp"
    /// ξ gate, decoupled decode routing with new prefills before waiting decodes, no static plan.
    case gfWSP = "gf-wsp"
    /// Static plan, FCFS admission without the gate, greedy solo-first router.
    case fgSP = "fg-sp"

    /// Whether GPUs are split into a mixed and a solo pool by the plan.
    public var placement: CTMCPlacement {
        switch self {
        case .gateAndRoute, .prioritizeAndRoute, .sliAware, .sliAwareGeneral, .fgSP: .staticPlan
        case .fiWSP, .giWSP, .gfWSP: .shared
        }
    }

    /// Which waiting class a free prefill slot takes.
    public var admission: CTMCAdmission {
        switch self {
        case .gateAndRoute, .sliAware, .sliAwareGeneral, .giWSP, .gfWSP: .occupancyGate
        case .prioritizeAndRoute: .decodeHeavyFirst
        case .fiWSP, .fgSP: .fcfs
        }
    }

    /// How a job that finished prefill gets a decode slot.
    public var execution: CTMCExecution {
        switch self {
        case .gateAndRoute, .prioritizeAndRoute, .fgSP: .greedySoloFirst
        case .sliAware: .poolSplitFCFS
        case .sliAwareGeneral: .poolSplitWeighted
        case .fiWSP, .giWSP: .immediate
        case .gfWSP: .anyFreeSlotPrefillFirst
        }
    }
}

/// GPU roles.
public enum CTMCPlacement: String, Sendable, Hashable, Codable {
    /// M mixed GPUs (reserved prefill slot, ≤ B−1 decodes) and n−M solo GPUs (no prefill, ≤ B decodes).
    case staticPlan
    /// Every GPU may prefill (work sharing, the WSP baselines).
    case shared
}

/// Admission rules for a free prefill slot.
public enum CTMCAdmission: String, Sendable, Hashable, Codable {
    /// argmin_i ξ_i = (X_i − n x_i*)/x_i* over waiting classes, ties by the largest δ_i = Q_{p,i} − n q_{p,i}*,
    /// then by the lowest class index.
    case occupancyGate
    /// The waiting class with the largest D_i/P_i (ties: lowest class index).
    case decodeHeavyFirst
    /// The oldest waiting job of any class.
    case fcfs
}

/// Decode execution and routing rules.
public enum CTMCExecution: String, Sendable, Hashable, Codable {
    /// Random free solo GPU, else random mixed GPU with a free decode slot, else one FCFS buffer;
    /// a freed decode slot takes the buffer's head.
    case greedySoloFirst
    /// Solo pool with probability p_{s,i}, else the mixed pool; random free GPU in the pool, else that
    /// pool's FCFS buffer; a freed slot takes the head of its pool's buffer.
    case poolSplitFCFS
    /// As `poolSplitFCFS`, but a freed slot draws a class among those waiting for its pool with weights
    /// ϖ and takes that class's head of line.
    case poolSplitWeighted
    /// The decode stays in the prefill's slot (no buffer).
    case immediate
    /// Random GPU with any free slot, else one FCFS buffer; a freed slot on a GPU without a prefill
    /// starts a new prefill first when the gate has one.
    case anyFreeSlotPrefillFirst
}

/// What the ξ gate does with classes whose target x_i* is 0 (the gate divides by x_i*; the paper is silent).
public enum ZeroTargetAdmission: String, Sendable, Hashable, Codable, CaseIterable {
    /// Never admit them (default): the plan rations them out, so they wait and abandon.
    case never
    /// Admit them only when no class with x_i* > 0 is waiting: the one with the longest prefill queue
    /// (ties: lowest class index).
    case last
}

/// When the ξ gate admits a class the LP rations (q_{p,i}* > 0: part of its demand is meant to wait
/// and abandon). The paper's gate never idles while any class waits; at finite n this lets a rationed
/// class absorb every prefill slot the fully served classes leave free by chance, which overloads the
/// critically loaded decode pool (the decode buffer grows and jobs abandon after their prefill).
public enum RationedAdmission: String, Sendable, Hashable, Codable, CaseIterable {
    /// The paper's reading (default): a priority index that never idles a slot while any class waits.
    case always
    /// Decode back-pressure: a rationed class is admitted only while no decode waits for a slot;
    /// classes the LP serves in full are admitted as before. Same fluid limit, less finite-n overload.
    case whenDecodeIdle = "when-decode-idle"
}

/// Options of the CTMC runs.
public struct CTMCOptions: Sendable, Hashable, Codable {
    /// Treatment of x_i* = 0 classes by the ξ gate (`gate-and-route`, `sli-aware*`, `gi-wsp`, `gf-wsp`).
    public var zeroTargetClasses: ZeroTargetAdmission
    /// When the ξ gate admits classes with q_{p,i}* > 0 (`gate-and-route`, `sli-aware*`, `gf-wsp`;
    /// `gi-wsp` has no decode buffer, so it is unaffected).
    public var rationedClasses: RationedAdmission
    /// κ of the static plan's mixed-GPU count M = ⌈m + κ√m⌉, m = n Σ_i x_i* (0: the paper's ⌈m⌉).
    public var mixedSafety: Double

    public init(
        zeroTargetClasses: ZeroTargetAdmission = .never, rationedClasses: RationedAdmission = .always,
        mixedSafety: Double = 0
    ) {
        self.zeroTargetClasses = zeroTargetClasses
        self.rationedClasses = rationedClasses
        self.mixedSafety = mixedSafety
    }
}
