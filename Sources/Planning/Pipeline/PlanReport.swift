/// The one shape of every `plan` verb's result: the plan first, then the baselines in the same shape,
/// then the evaluations of each (the plan's first), with the seeds they ran on and notes.
///
/// `kind` names the output (`plan-cascade`, `plan-geo`, …) and selects its JSON Schema in
/// `schemas/`. Encoded with `JSONContract`, missing values are `null` and non-finite numbers `null`.
/// ```
/// let report = PlanReport<GeoPlan, GeoEvaluation>(
///     kind: "plan-geo", solve: planned.solve, plan: planned.plan, baselines: [petals], seeds: [1], evaluations: rows)
/// let data = try JSONContract.encode(report)
/// ```
public struct PlanReport<Plan: Encodable, Evaluation: Encodable>: Encodable {
    /// The contract's version (`JSONContract.schemaVersion`).
    public var schemaVersion: Int
    /// The output kind: `plan-<planner>` or `simulate-<planner>`.
    public var kind: String
    /// The summary of the plan's solve.
    public var solve: SolveSummary
    /// The plan.
    public var plan: Plan
    /// The baselines a user would otherwise pick, in the plan's shape.
    public var baselines: [Plan]
    /// Seeds every evaluation ran on (the same arrivals for the plan and each baseline); empty when
    /// nothing was simulated.
    public var seeds: [UInt64]
    /// Evaluations of the plan and then of each baseline (empty with `--no-evaluate`).
    public var evaluations: [Evaluation]
    /// Remarks a reader should see (warnings, what was skipped and why).
    public var notes: [String]

    public init(
        kind: String, solve: SolveSummary, plan: Plan, baselines: [Plan] = [], seeds: [UInt64] = [],
        evaluations: [Evaluation] = [], notes: [String] = []
    ) {
        schemaVersion = JSONContract.schemaVersion
        self.kind = kind
        self.solve = solve
        self.plan = plan
        self.baselines = baselines
        self.seeds = seeds
        self.evaluations = evaluations
        self.notes = notes
    }
}

extension PlanReport: Sendable where Plan: Sendable, Evaluation: Sendable {}

/// The shape of outputs that are not plans (`simulate`, `bench`, `validate`, `catalog`, `solve`):
/// the contract's header and the body's own keys beside it.
/// ```
/// try JSONContract.encode(ReportEnvelope(kind: "simulate", body: summary))
/// ```
public struct ReportEnvelope<Body: Encodable>: Encodable {
    public var kind: String
    public var body: Body

    public init(kind: String, body: Body) {
        self.kind = kind
        self.body = body
    }

    private enum HeaderKeys: String, CodingKey { case schemaVersion, kind }

    public func encode(to encoder: Encoder) throws {
        var header = encoder.container(keyedBy: HeaderKeys.self)
        try header.encode(JSONContract.schemaVersion, forKey: .schemaVersion)
        try header.encode(kind, forKey: .kind)
        try body.encode(to: encoder)
    }
}

extension ReportEnvelope: Sendable where Body: Sendable {}
