import Planning

/// One placement of `plan geo`: the plan (CG-BP) or a baseline (PETALS, the MILP) in the same shape.
///
/// `solve.objective` is the placement's mean per-token time (seconds, like `meanPerTokenSeconds`);
/// for the MILP `solve.bestBound` is its lower bound in the same unit and `solve.relativeGap` the
/// solver's gap, while `cgbpGapToMilp` compares CG-BP with the MILP.
/// ```
/// let planned = try GeoPlanner().plan(problem, context: PlanningContext())
/// planned.plan.perTokenBoundSeconds   // Theorem 2's bound
/// ```
public struct GeoPlan: Sendable, Encodable {
    public var method: GeoPlacementMethod
    /// The concurrency placed for: |R| for CG-BP, the MILP's min(|R|, 10) requests, null for PETALS
    /// (its join rule does not use |R|).
    @Nullable public var plannedRequests: Int?
    /// The servers holding blocks, in server order.
    public var placement: [GeoServerBlocks]
    /// Mean per-token time Σ(t_cj + τ_j k) without contention: over clients on their shortest paths,
    /// for the MILP over its requests on its routes; null without a placement covering every block.
    @Nullable public var meanPerTokenSeconds: Double?
    /// CG-BP only: Theorem 2's bound on its per-token time, seconds.
    @Nullable public var perTokenBoundSeconds: Double?
    /// MILP only: (CG-BP + shortest path − MILP) / MILP on the MILP's requests, CG-BP placing for that
    /// many requests; null when CG-BP leaves a server without blocks (the MILP gives every server one).
    @Nullable public var cgbpGapToMilp: Double?
    /// How the placement was found: `.heuristic` for CG-BP and PETALS, the solver's summary for the MILP.
    public var solve: SolveSummary
    /// The block range of every server by index (what the evaluator routes over; `placement` names them).
    public var blocks: BlockPlacement

    public init(
        method: GeoPlacementMethod, plannedRequests: Int?, blocks: BlockPlacement, instance: GeoInstance,
        meanPerTokenSeconds: Double?, perTokenBoundSeconds: Double? = nil, cgbpGapToMilp: Double? = nil, solve: SolveSummary
    ) {
        self.method = method
        self.plannedRequests = plannedRequests
        self.blocks = blocks
        placement = blocks.ranges.enumerated().compactMap { j, range in
            range.map { GeoServerBlocks(server: instance.servers[j].name, firstBlock: $0.firstBlock, blockCount: $0.blockCount) }
        }
        self.meanPerTokenSeconds = meanPerTokenSeconds
        self.perTokenBoundSeconds = perTokenBoundSeconds
        self.cgbpGapToMilp = cgbpGapToMilp
        self.solve = solve
    }

    private enum CodingKeys: String, CodingKey {
        case method, plannedRequests, placement, meanPerTokenSeconds, perTokenBoundSeconds, cgbpGapToMilp, solve
    }
}

/// One server's blocks in a plan: `blockCount` blocks from `firstBlock` (0-based).
public struct GeoServerBlocks: Sendable, Hashable, Codable {
    public var server: String
    public var firstBlock: Int
    public var blockCount: Int

    public init(server: String, firstBlock: Int, blockCount: Int) {
        self.server = server
        self.firstBlock = firstBlock
        self.blockCount = blockCount
    }
}
