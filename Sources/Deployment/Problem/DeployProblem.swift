import Planning
import ServingModel

/// The engine settings the search may choose among, and how plans are verified.
public struct DeploySearchSettings: Sendable, Hashable {
    /// Batch caps tried (vLLM `--max-num-seqs`).
    public var maxBatches: [Int]
    /// Token budgets per iteration tried (vLLM `--max-num-batched-tokens`).
    public var chunkTokens: [Int]
    /// Tensor-parallel degrees tried (at most a node's GPUs).
    public var tensorParallel: [Int]
    /// Pipeline-parallel degrees tried (only where no single-node layout of the model fits).
    public var pipelineParallel: [Int]
    /// vLLM's `gpu_memory_utilization`.
    public var memoryUtilization: Double
    /// Simulator seeds of the verification and requests simulated per model and seed.
    public var seeds: [UInt64]
    public var requestsPerSeed: Int
    /// Most plan–verify rounds before the planner gives up certifying.
    public var maxRounds: Int
    /// Relative MILP gap at which the solve stops.
    public var relativeGap: Double
    /// Seconds each MILP may take.
    public var timeLimit: Double

    public init(
        maxBatches: [Int] = [64, 128, 256], chunkTokens: [Int] = [2048, 8192], tensorParallel: [Int] = [1, 2, 4, 8],
        pipelineParallel: [Int] = [1, 2, 4], memoryUtilization: Double = 0.9, seeds: [UInt64] = [1, 2],
        requestsPerSeed: Int = 4000, maxRounds: Int = 8, relativeGap: Double = 0.01, timeLimit: Double = 25
    ) {
        self.maxBatches = maxBatches
        self.chunkTokens = chunkTokens
        self.tensorParallel = tensorParallel
        self.pipelineParallel = pipelineParallel
        self.memoryUtilization = memoryUtilization
        self.seeds = seeds
        self.requestsPerSeed = requestsPerSeed
        self.maxRounds = maxRounds
        self.relativeGap = relativeGap
        self.timeLimit = timeLimit
    }
}

/// What `plan deploy` solves: the fleet that may be used, the models with their traffic and
/// SLOs, the objective and the serving modes allowed.
/// ```
/// let problem = DeployProblem(fleet: [FleetPool(gpu: h100, count: 8, gpusPerNode: 8)],
///                             models: [ModelDemand(model: llama8B, workload: workload, slo: slo)],
///                             objective: .maxRate, modes: [.aggregated, .disaggregated])
/// ```
public struct DeployProblem: Sendable {
    public var fleet: [FleetPool]
    public var models: [ModelDemand]
    public var objective: DeployObjective
    public var modes: Set<ServingMode>
    public var settings: DeploySearchSettings

    public init(
        fleet: [FleetPool], models: [ModelDemand], objective: DeployObjective, modes: Set<ServingMode> = [.aggregated],
        settings: DeploySearchSettings = DeploySearchSettings()
    ) {
        self.fleet = fleet
        self.models = models
        self.objective = objective
        self.modes = modes
        self.settings = settings
    }

    /// Dollars per hour of `gpus` GPUs of pool `pool` (nil without a price).
    func cost(pool: Int, gpus: Int) -> Double? {
        fleet[pool].pricePerHour.map { $0 * Double(gpus) }
    }
}
