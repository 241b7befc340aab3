import ServingModel

/// One `replicas:` entry: `{gpu: H100-80GB, tp: 2, pp: 1, count: 4}`, optionally with its own
/// `model:` (a fleet of different models behind one router) and its `role:` (`general`, or
/// `prefill` / `decode` in a disaggregated fleet, `DisaggregationSection`) and its own `engine:`
/// (keys that differ from the scenario's `engine:`, read by `EngineSection.read(_:baseDirectory:inheriting:)`).
struct ReplicaGroupSection {
    static let keys = ["gpu", "tp", "pp", "count", "model", "role", "engine"]
    /// Most replicas in one group, and in the whole fleet.
    static let maxCount = 100_000

    var node: ConfigNode
    var model: ModelSpec
    var gpu: GPUSpec
    var layout: ParallelLayout
    var count: Int
    var role: ReplicaRole
    /// The group's own `engine:` keys, nil when it runs the scenario's engine.
    var engineNode: ConfigNode?

    /// Reads the entry's own keys (model, GPU, layout, count), whether or not the scenario's
    /// model and engine could be read, so that one run reports every problem. `model` is the
    /// scenario's model (nil when it is missing or unknown); nil after reporting.
    static func read(_ node: ConfigNode, model: ModelSpec?, catalog: Catalog) -> ReplicaGroupSection? {
        guard let object = node.object(allowedKeys: keys) else { return nil }
        var model = model
        if let modelNode = object["model"] {
            model = modelNode.string().flatMap { name in
                let found = catalog.model(named: name)
                if found == nil {
                    modelNode.report("unknown model '\(name)'" + NameSuggestion.hint(for: name, in: catalog.models.map(\.name)))
                }
                return found
            }
        }
        var gpu: GPUSpec?
        if let gpuNode = object.require("gpu"), let name = gpuNode.string() {
            gpu = catalog.gpu(named: name)
            if gpu == nil { gpuNode.report("unknown GPU '\(name)'" + NameSuggestion.hint(for: name, in: catalog.gpus.map(\.name))) }
        }
        let tp = object["tp"].map { $0.integer(min: 1, max: 64) } ?? 1
        let pp = object["pp"].map { $0.integer(min: 1, max: 256) } ?? 1
        let count = object.require("count")?.integer(min: 1, max: maxCount)
        let role = object["role"].map { node in
            node.choice(DisaggregationSection.roles.map(\.rawValue)).flatMap(ReplicaRole.init(rawValue:))
        } ?? .general
        guard let tp, let pp, let role else { return nil }
        let layout = ParallelLayout(tensorParallel: tp, pipelineParallel: pp)
        guard let model else { return nil }
        if let problem = layout.shapeProblem(for: model) {
            node.report(problem)
            return nil
        }
        guard let gpu, let count else { return nil }
        return ReplicaGroupSection(
            node: node, model: model, gpu: gpu, layout: layout, count: count, role: role, engineNode: object["engine"])
    }

    /// The group's KV capacity in tokens under `engine`, or nil after reporting a layout that does
    /// not fit in memory (with the numbers that show why).
    func kvCapacity(engine: EngineSection) -> Int? {
        let fit = MemoryFit(
            model: model, gpu: gpu, layout: layout, memoryUtilization: engine.memoryUtilization,
            maxNumSeqs: engine.batchSize, maxBatchedTokens: engine.chunkSize)
        if let shortfall = fit.shortfall(model: model, gpu: gpu, layout: layout) {
            node.report(shortfall)
            return nil
        }
        return engine.kvCapacityTokens ?? fit.kvCapacityTokens
    }

    /// KV-cache bytes of one token of the whole model (all layers and KV heads, whatever the layout).
    var kvBytesPerToken: Double {
        MemoryFit(model: model, gpu: gpu, layout: ParallelLayout(tensorParallel: 1, pipelineParallel: 1), reservedBytes: 0)
            .kvBytesPerTokenPerGPU
    }

    /// The group's replicas, index `group` in the scenario; empty after reporting a layout that
    /// `engine.profile`'s tables do not cover.
    func replicas(group: Int, engine: EngineSection, kvCapacity: Int) -> [ReplicaConfiguration] {
        let base: any IterationTimeModel
        switch engine.timeSource {
        case .roofline: base = RooflineModel(model: model, gpu: gpu, layout: layout)
        case let .fitted(law): base = law
        }
        guard let iterationModel = engine.costs.iterationModel(model: model, gpu: gpu, layout: layout, base: base) else { return [] }
        return (0..<count).map { index in
            ReplicaConfiguration(
                name: "\(model.name) on \(gpu.name) \(layout) #\(index)", group: group, gpu: gpu.name,
                iterationModel: iterationModel,
                batchSize: engine.batchSize, chunkSize: engine.chunkSize, kvCapacityTokens: kvCapacity, role: role,
                scheduler: engine.scheduling.rule, blockSize: engine.scheduling.blockSize, watermark: engine.scheduling.watermark,
                kvBytesPerToken: kvBytesPerToken)
        }
    }
}
