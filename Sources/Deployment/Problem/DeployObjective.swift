/// What the deployment MILP optimises.
public enum DeployObjective: String, Sendable, Hashable, CaseIterable {
    /// Cheapest fleet that carries every model's demand at its SLO (needs every used type's price).
    case minCost = "min-cost"
    /// Largest common scale of every model's traffic the fleet carries at the SLOs.
    case maxRate = "max-rate"
    /// Fewest GPUs that carry every model's demand.
    case minGPUs = "min-gpus"
}
