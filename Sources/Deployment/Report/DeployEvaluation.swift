import Planning

/// One row of the side-by-side comparison: a plan or baseline, its cost and what the simulator
/// says it carries.
public struct DeployEvaluation: Sendable, Hashable, Codable {
    /// One model's figures.
    public struct ModelRow: Sendable, Hashable, Codable {
        public var name: String
        public var demandRate: Double
        @Nullable public var certifiedRate: Double?
        @Nullable public var sloAttainment: Double?
        public var meetsSLO: Bool
    }

    public var name: String
    @Nullable public var costPerHour: Double?
    public var gpus: Int
    public var planningSeconds: Double
    /// True when every model met its SLO in simulation at its demand.
    public var meetsSLO: Bool
    /// The lowest SLO attainment over the models (null when a model got no replicas).
    @Nullable public var minimumAttainment: Double?
    public var models: [ModelRow]

    /// The row of an (already verified) plan.
    public init(plan: DeployPlan) {
        name = plan.name
        costPerHour = plan.costPerHour
        gpus = plan.totalGPUs
        planningSeconds = plan.planningSeconds
        models = plan.models.map { outcome in
            ModelRow(
                name: outcome.name, demandRate: outcome.demandRate, certifiedRate: outcome.certifiedRate,
                sloAttainment: outcome.verification?.sloAttainment, meetsSLO: outcome.verification?.meetsSLO ?? false)
        }
        meetsSLO = models.allSatisfy(\.meetsSLO)
        let attainments = models.map(\.sloAttainment)
        minimumAttainment = attainments.contains { $0 == nil } ? nil : attainments.compactMap { $0 }.min()
    }
}
