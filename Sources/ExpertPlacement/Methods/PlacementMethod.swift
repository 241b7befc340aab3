import Solver

/// The placement methods by name: what a scenario's `methods:` lists, what reports and `export moe
/// --method` call them.
/// ```
/// let placer = PlacementMethod.eplb.placer(balance: BalanceOptions(), solver: HighsSolver())
/// ```
public enum PlacementMethod: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The paper's ILP weighted by activations (exact, one transportation problem per layer).
    case loadAware = "load-aware"
    /// The load-aware ILP with a compute-balance row (a MILP per layer); not listed in a scenario:
    /// it follows `load-aware` when `balance.maxImbalance` is given.
    case loadAwareBalance = "load-aware+balance"
    /// The paper's unweighted variant (frequency ≡ 1, uniform sources).
    case unweighted
    /// Expert e on GPU e mod G.
    case roundRobin = "round-robin"
    /// Expert e on GPU ⌊e·G/E⌋.
    case contiguous
    /// DeepSeek's EPLB (hierarchical when the groups divide over the servers).
    case eplb
    /// DeepSeek's EPLB, always global.
    case eplbGlobal = "eplb-global"
    /// SGLang's greedy topology planner.
    case greedy

    /// The methods a scenario's `methods:` may list (every one but `load-aware+balance`).
    public static let listable: [PlacementMethod] = allCases.filter { $0 != .loadAwareBalance }

    /// The methods a scenario compares when it lists none.
    public static let defaults: [PlacementMethod] = [.loadAware, .unweighted, .roundRobin, .contiguous, .eplb, .greedy]

    /// Whether the method minimises a placement objective (and reports its bound), rather than
    /// following a fixed rule.
    public var optimises: Bool { self == .loadAware || self == .loadAwareBalance || self == .unweighted }

    public var description: String { rawValue }

    /// The placer of this method; `load-aware+balance` solves its MILPs with `solver` under `balance`'s
    /// limits (its `maxImbalance` must be set).
    public func placer(balance: BalanceOptions, solver: any LinearSolver) throws(PlacementError) -> any ExpertPlacer {
        switch self {
        case .loadAware: return LoadAwarePlacer()
        case .unweighted: return LoadAwarePlacer(weighted: false)
        case .roundRobin: return RoundRobinPlacer()
        case .contiguous: return ContiguousPlacer()
        case .eplb: return EPLBPlacer()
        case .eplbGlobal: return EPLBPlacer(forceGlobal: true)
        case .greedy: return GreedyTopologyPlacer()
        case .loadAwareBalance:
            guard let maxImbalance = balance.maxImbalance else {
                throw PlacementError("load-aware+balance needs a balance row: give balance.maxImbalance")
            }
            return balance.placer(maxImbalance: maxImbalance, solver: solver)
        }
    }
}

/// The balance row's settings: the limit of `load-aware+balance`, the limits of the sweep, and
/// each balance MILP's time and node limits.
public struct BalanceOptions: Sendable, Hashable {
    /// Allowed max/mean GPU load of `load-aware+balance` (nil: no balance row).
    public var maxImbalance: Double?
    /// Limits of the hops-versus-imbalance sweep (empty: no sweep).
    public var sweep: [Double]
    /// Seconds for each balance MILP (all layers together).
    public var timeLimit: Double
    /// Most branch-and-bound nodes per layer of each balance MILP (nil: none).
    public var nodeLimit: Int?

    /// Creates the settings (defaults: no balance row, no sweep, 60 s, no node limit).
    public init(maxImbalance: Double? = nil, sweep: [Double] = [], timeLimit: Double = 60, nodeLimit: Int? = nil) {
        self.maxImbalance = maxImbalance
        self.sweep = sweep
        self.timeLimit = timeLimit
        self.nodeLimit = nodeLimit
    }

    /// The balance MILP at `maxImbalance` with these limits, solved by `solver`.
    func placer(maxImbalance: Double, solver: any LinearSolver) -> BalancedPlacer {
        BalancedPlacer(maxImbalance: maxImbalance, timeLimit: timeLimit, nodeLimit: nodeLimit, solver: solver)
    }
}
