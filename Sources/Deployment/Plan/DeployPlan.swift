import Planning
import Simulation

/// Latency percentiles in seconds (null where nothing was measured or predicted), and the whole
/// distribution where it was simulated.
public struct LatencyPercentiles: Sendable, Hashable, Codable {
    @Nullable public var p50: Double?
    @Nullable public var p90: Double?
    @Nullable public var p99: Double?
    /// The simulated distribution at `LatencyCDF.fractions`, pooled over seeds (empty when nothing
    /// was measured); null for the capacity model's predictions, which have only the percentiles.
    @Nullable public var cdf: [LatencyCDFPoint]?

    public init(p50: Double? = nil, p90: Double? = nil, p99: Double? = nil, cdf: [LatencyCDFPoint]? = nil) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.cdf = cdf
    }
}

/// A model's SLO as the plan reports it: each target's percentile level and seconds.
public struct SLOReport: Sendable, Hashable, Codable {
    /// Percentile level of the TTFT target (0.9 for `p90`).
    public var ttftQuantile: Double
    public var ttftSeconds: Double
    public var tpotQuantile: Double
    public var tpotSeconds: Double
    /// Share of requests that must meet both targets.
    public var attainment: Double

    public init(ttftQuantile: Double, ttftSeconds: Double, tpotQuantile: Double, tpotSeconds: Double, attainment: Double) {
        self.ttftQuantile = ttftQuantile
        self.ttftSeconds = ttftSeconds
        self.tpotQuantile = tpotQuantile
        self.tpotSeconds = tpotSeconds
        self.attainment = attainment
    }
}

/// The simulator's verdict on one model's groups at the planned load.
public struct Verification: Sendable, Hashable, Codable {
    /// Arrival rate simulated (requests per second).
    public var rate: Double
    /// Share of measured requests that met both targets (over every seed).
    public var sloAttainment: Double
    public var ttft: LatencyPercentiles
    public var tpot: LatencyPercentiles
    /// True when the attainment and both percentile targets hold.
    public var meetsSLO: Bool
    /// Seeds run and requests measured over them.
    public var seeds: [UInt64]
    public var requests: Int

    public init(
        rate: Double, sloAttainment: Double, ttft: LatencyPercentiles, tpot: LatencyPercentiles, meetsSLO: Bool,
        seeds: [UInt64], requests: Int
    ) {
        self.rate = rate
        self.sloAttainment = sloAttainment
        self.ttft = ttft
        self.tpot = tpot
        self.meetsSLO = meetsSLO
        self.seeds = seeds
        self.requests = requests
    }
}

/// One model's outcome in a plan: demand, capacities and the verification.
public struct ModelOutcome: Sendable, Hashable, Codable {
    public var name: String
    /// Requests per second the plan must carry (the workload's rate, times `scale` under max-rate).
    public var demandRate: Double
    /// Requests per second the plan's groups carry at the SLO by the capacity model.
    public var plannedRate: Double
    /// Highest rate at which the groups met the SLO in simulation (null when not verified).
    @Nullable public var certifiedRate: Double?
    /// TTFT and TPOT the capacity model predicts at the demand.
    public var predictedTTFT: LatencyPercentiles
    public var predictedTPOT: LatencyPercentiles
    public var slo: SLOReport
    /// The simulation at the demand (null with `--no-evaluate` or when the model got no replicas).
    @Nullable public var verification: Verification?

    public init(
        name: String, demandRate: Double, plannedRate: Double, certifiedRate: Double? = nil,
        predictedTTFT: LatencyPercentiles = LatencyPercentiles(), predictedTPOT: LatencyPercentiles = LatencyPercentiles(),
        slo: SLOReport, verification: Verification? = nil
    ) {
        self.name = name
        self.demandRate = demandRate
        self.plannedRate = plannedRate
        self.certifiedRate = certifiedRate
        self.predictedTTFT = predictedTTFT
        self.predictedTPOT = predictedTPOT
        self.slo = slo
        self.verification = verification
    }
}

/// GPUs and nodes a plan takes of one GPU type.
public struct GPUUsage: Sendable, Hashable, Codable {
    public var gpu: String
    public var gpus: Int
    public var nodes: Int
    /// Of the fleet's count for the type.
    public var available: Int
    @Nullable public var costPerHour: Double?

    public init(gpu: String, gpus: Int, nodes: Int, available: Int, costPerHour: Double?) {
        self.gpu = gpu
        self.gpus = gpus
        self.nodes = nodes
        self.available = available
        self.costPerHour = costPerHour
    }
}

/// A constraint that binds at the optimum, with what relaxing it is worth.
public struct BindingConstraint: Sendable, Hashable, Codable {
    /// `gpus` (a GPU type's count), `ttft` or `tpot` (a model's SLO target), `demand`.
    public var kind: String
    /// The constraint's name, e.g. `gpus[H100-80GB]` or `slo[llama-3.1-8b].tpot`.
    public var name: String
    /// Change of the objective per unit (see `unit`).
    @Nullable public var shadowPrice: Double?
    /// What one unit is, e.g. "objective per GPU" or "objective per 10% tighter target".
    public var unit: String

    public init(kind: String, name: String, shadowPrice: Double?, unit: String) {
        self.kind = kind
        self.name = name
        self.shadowPrice = shadowPrice
        self.unit = unit
    }
}

/// One pass of the verification loop: the plan solved and simulated, and the capacity factors
/// the next round solves with.
public struct VerificationRound: Sendable, Hashable, Codable {
    public var round: Int
    @Nullable public var costPerHour: Double?
    public var gpus: Int
    /// The common scale of the round's plan (max-rate; 1 otherwise).
    public var scale: Double
    /// Models whose simulation missed the SLO in this round.
    public var missed: [String]
    /// Each model's correction for the next round, applied to the columns its groups used (1:
    /// unchanged; below 1: derated after a miss; above 1: raised where the simulation carried more
    /// than the model planned).
    public var factors: [Double]
    /// True for the round whose plan is reported (the best plan that met every SLO).
    public var accepted: Bool

    public init(round: Int, costPerHour: Double?, gpus: Int, scale: Double, missed: [String], factors: [Double], accepted: Bool = false) {
        self.round = round
        self.costPerHour = costPerHour
        self.gpus = gpus
        self.scale = scale
        self.missed = missed
        self.factors = factors
        self.accepted = accepted
    }
}

/// How one replica group changes from the current plan (a re-plan's diff).
public struct GroupChange: Sendable, Hashable, Codable {
    public var model: String
    public var gpu: String
    public var tp: Int
    public var pp: Int
    public var role: ServingRole
    public var maxBatch: Int
    public var chunkTokens: Int
    /// Replicas in the current plan and in the new one.
    public var before: Int
    public var after: Int

    public init(group: DeploymentGroup, before: Int, after: Int) {
        model = group.model
        gpu = group.gpu
        tp = group.tp
        pp = group.pp
        role = group.role
        maxBatch = group.maxBatch
        chunkTokens = group.chunkTokens
        self.before = before
        self.after = after
    }
}

/// A deployment: the plan of `plan deploy`, or a baseline in the same shape.
/// ```
/// let plan = try DeployPlanner().plan(problem, context: PlanningContext()).plan
/// for group in plan.groups { print(group.model, group.gpu, group.tp, group.count) }
/// ```
public struct DeployPlan: Sendable, Hashable, Codable {
    /// `plan`, or the baseline's name (`aiconfigurator`, `melange`, `rule-of-thumb`).
    public var name: String
    /// `min-cost`, `max-rate` or `min-gpus`.
    public var objective: String
    /// Under max-rate, the common factor applied to every model's traffic; 1 otherwise.
    public var scale: Double
    public var groups: [DeploymentGroup]
    public var models: [ModelOutcome]
    @Nullable public var costPerHour: Double?
    public var gpusUsed: [GPUUsage]
    public var bindingConstraints: [BindingConstraint]
    /// The verification loop's rounds (one when the first plan verified; empty when not verified).
    public var rounds: [VerificationRound]
    /// True when every model's simulation met its SLO at the demand.
    public var certified: Bool
    /// Seconds spent planning (search and solves, without the verification's simulations).
    public var planningSeconds: Double
    /// Why a baseline could not serve some demand, or other remarks.
    public var notes: [String]
    /// With `--current`: the groups whose replica count changes, and the replicas started or stopped.
    public var changes: [GroupChange]
    public var changedReplicas: Int

    /// GPUs of every group.
    public var totalGPUs: Int { groups.reduce(0) { $0 + $1.gpus } }

    public init(
        name: String, objective: String, scale: Double = 1, groups: [DeploymentGroup], models: [ModelOutcome],
        costPerHour: Double?, gpusUsed: [GPUUsage], bindingConstraints: [BindingConstraint] = [],
        rounds: [VerificationRound] = [], certified: Bool = false, planningSeconds: Double = 0, notes: [String] = []
    ) {
        self.name = name
        self.objective = objective
        self.scale = scale
        self.groups = groups
        self.models = models
        self.costPerHour = costPerHour
        self.gpusUsed = gpusUsed
        self.bindingConstraints = bindingConstraints
        self.rounds = rounds
        self.certified = certified
        self.planningSeconds = planningSeconds
        self.notes = notes
        changes = []
        changedReplicas = 0
    }
}
