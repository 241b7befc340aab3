import Planning
import ServingModel

/// The typed input of `MoEPlanner`: the placement problem (profiling split inside), the evaluation
/// split the plans are scored on, the methods to run and the balance settings, and the setting
/// every plan records (model, cluster) so that it can be checked and exported on its own.
/// ```
/// let scenario = try MoEScenario.read(envelope, baseDirectory: ".")
/// let problem = try MoEProblem(scenario)
/// let planned = try MoEPlanner().plan(problem, context: PlanningContext())
/// ```
public struct MoEProblem: Sendable {
    /// The placement problem the planners solve (the profiling split).
    public var placement: PlacementProblem
    /// The statistics plans are scored on (the held-out split, or the profile without one).
    public var evaluation: ActivationCounts
    /// Whether `evaluation` is a held-out split.
    public var heldOut: Bool
    /// The methods in the scenario's order; `load-aware+balance` follows `load-aware` when
    /// `balance.maxImbalance` is set.
    public var methods: [PlacementMethod]
    /// The balance row, the sweep and the MILPs' limits.
    public var balance: BalanceOptions
    /// Bytes one activation moves each way (hidden size × 2 for bf16).
    public var bytesPerActivation: Double
    /// The model and cluster, as every plan records them.
    public var setting: PlacementSetting

    /// Creates a problem from its parts.
    public init(
        placement: PlacementProblem, evaluation: ActivationCounts, heldOut: Bool = true, methods: [PlacementMethod],
        balance: BalanceOptions = BalanceOptions(), bytesPerActivation: Double, setting: PlacementSetting
    ) {
        self.placement = placement
        self.evaluation = evaluation
        self.heldOut = heldOut
        self.methods = methods
        self.balance = balance
        self.bytesPerActivation = bytesPerActivation
        self.setting = setting
    }

    /// The scenario's problem: generates (or reads) its statistics and checks their shape; a
    /// statistics file that does not fit is bad input.
    public init(_ scenario: MoEScenario) throws(PlanningError) {
        let problem: PlacementProblem, data: ActivationData
        do {
            (problem, data) = try scenario.instance()
        } catch {
            throw .badInput(error.message)
        }
        let model = scenario.model, moe = scenario.moe
        self.init(
            placement: problem, evaluation: data.evaluation, heldOut: data.heldOut, methods: scenario.methods,
            balance: BalanceOptions(
                maxImbalance: scenario.maxImbalance, sweep: scenario.sweep, timeLimit: scenario.timeLimit,
                nodeLimit: scenario.nodeLimit),
            bytesPerActivation: scenario.bytesPerActivation,
            setting: PlacementSetting(
                model: .init(model, moe),
                topology: scenario.topology.label, gpus: problem.gpus, nodes: problem.distances.nodeCount,
                slotsPerGPU: problem.slotsPerGPU, redundantExperts: problem.redundantExperts))
    }

    /// The methods in the order they run: the listed ones, with `load-aware+balance` right after
    /// `load-aware` when a balance row is set.
    public var runOrder: [PlacementMethod] {
        methods.flatMap { method -> [PlacementMethod] in
            method == .loadAware && balance.maxImbalance != nil ? [.loadAware, .loadAwareBalance] : [method]
        }
    }
}

/// What a placement was made for: the model's shape and the cluster. `export moe` checks a plan
/// against it before writing an engine's map.
public struct PlacementSetting: Sendable, Hashable, Codable {
    /// The model's name and MoE shape.
    public struct Model: Sendable, Hashable, Codable {
        public var name: String
        /// Transformer layers (dense and MoE).
        public var layers: Int
        public var moeLayers: Int
        /// Routed experts per MoE layer.
        public var experts: Int
        public var expertsPerToken: Int

        public init(name: String, layers: Int, moeLayers: Int, experts: Int, expertsPerToken: Int) {
            self.name = name
            self.layers = layers
            self.moeLayers = moeLayers
            self.experts = experts
            self.expertsPerToken = expertsPerToken
        }

        /// The shape of a catalog model with its MoE section.
        public init(_ model: ModelSpec, _ moe: MoESpec) {
            self.init(
                name: model.name, layers: model.layers, moeLayers: moe.moeLayers, experts: moe.routedExperts,
                expertsPerToken: moe.expertsPerToken)
        }
    }

    public var model: Model
    /// The topology's label.
    public var topology: String
    public var gpus: Int
    /// Servers.
    public var nodes: Int
    public var slotsPerGPU: Int
    /// Extra replicas per layer.
    public var redundantExperts: Int

    public init(model: Model, topology: String, gpus: Int, nodes: Int, slotsPerGPU: Int, redundantExperts: Int) {
        self.model = model
        self.topology = topology
        self.gpus = gpus
        self.nodes = nodes
        self.slotsPerGPU = slotsPerGPU
        self.redundantExperts = redundantExperts
    }
}
