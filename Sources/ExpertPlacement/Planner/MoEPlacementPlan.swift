import Planning

/// One method's placement in the shape `plan moe` reports for the plan and each baseline: the
/// method, how tokens pick a replica, the placement, the summary of its solve and the setting it
/// was made for; the plan also carries the hops-versus-imbalance front when the scenario asks for
/// a sweep (`front`, empty on baselines).
public struct MoEPlacementPlan: Sendable, Equatable, Codable {
    public var method: PlacementMethod
    /// How tokens pick among an expert's replicas.
    public var routing: ReplicaRouting
    /// `placement[l][g]`: logical experts on GPU g at MoE layer l, in slot order.
    public var placement: [[[Int]]]
    /// How this method's solve ended (`SolveSummary.heuristic` for rules).
    public var solve: SolveSummary
    /// The model and cluster the placement is for.
    public var setting: PlacementSetting
    /// The sweep of `balance.sweep`: load-aware's optimum, then the balance MILP at each limit
    /// (on the plan only).
    public var front: [ParetoPoint]

    public init(
        method: PlacementMethod, routing: ReplicaRouting, placement: [[[Int]]], solve: SolveSummary, setting: PlacementSetting,
        front: [ParetoPoint] = []
    ) {
        self.method = method
        self.routing = routing
        self.placement = placement
        self.solve = solve
        self.setting = setting
        self.front = front
    }

    /// The placement as an `ExpertPlan` (for the metrics and the SGLang map).
    public var expertPlan: ExpertPlan { ExpertPlan(method: method, layers: placement, routing: routing) }
}

/// `MoEPlanner`'s answer: the plan, the first listed method that optimises (load-aware, its balance
/// variant or unweighted; the first listed method when none does), and every other method as a
/// baseline, in the order they ran.
public struct MoEPlanSet: Sendable, Equatable {
    public var plan: MoEPlacementPlan
    public var baselines: [MoEPlacementPlan]

    public init(plan: MoEPlacementPlan, baselines: [MoEPlacementPlan]) {
        self.plan = plan
        self.baselines = baselines
    }

    /// The plan and then the baselines.
    public var all: [MoEPlacementPlan] { [plan] + baselines }

    /// Which of `methods` (in run order) is the plan: the first that optimises, else the first.
    public static func primary(of methods: [PlacementMethod]) -> Int {
        methods.firstIndex(where: \.optimises) ?? 0
    }
}

/// A point of the hops-versus-imbalance front: the balance row's limit, the plan's hops and load
/// on the evaluation split (its coordinates on the front), and how its solve ended.
public struct ParetoPoint: Sendable, Equatable, Codable {
    /// The balance row's max/mean (null: no balance row, load-aware's optimum).
    @Nullable public var maxImbalance: Double?
    /// Expected hops per token on the evaluation split.
    public var expectedHops: Double
    /// Mean over layers of max/mean GPU load on the evaluation split.
    public var maxMeanLoad: Double
    /// The solve of the point's plan (its relative gap is 0 without a balance row).
    public var solve: SolveSummary

    public init(maxImbalance: Double?, expectedHops: Double, maxMeanLoad: Double, solve: SolveSummary) {
        self.maxImbalance = maxImbalance
        self.expectedHops = expectedHops
        self.maxMeanLoad = maxMeanLoad
        self.solve = solve
    }
}
