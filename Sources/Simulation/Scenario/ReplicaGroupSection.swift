import ServingModel

/// One `replicas:` entry: `{gpu: H100-80GB, tp: 2, pp: 1, count: 4}`, optionally with its own
/// `model:` (a fleet of different models behind one router).
enum ReplicaGroupSection {
    static let keys = ["gpu", "tp", "pp", "count", "model"]

    /// The group's replicas; a layout that cannot split the model or does not fit in memory is
    /// reported with the numbers that show why.
    static func read(
        _ node: ConfigNode, group: Int, model: ModelSpec, catalog: Catalog, engine: EngineSection
    ) -> [ReplicaConfiguration] {
        guard let object = node.object(allowedKeys: keys) else { return [] }
        var model = model
        if let modelNode = object["model"], let name = modelNode.string() {
            guard let found = catalog.model(named: name) else {
                modelNode.report("unknown model '\(name)'" + NameSuggestion.hint(for: name, in: catalog.models.map(\.name)))
                return []
            }
            model = found
        }
        var gpu: GPUSpec?
        if let gpuNode = object.require("gpu"), let name = gpuNode.string() {
            gpu = catalog.gpu(named: name)
            if gpu == nil { gpuNode.report("unknown GPU '\(name)'" + NameSuggestion.hint(for: name, in: catalog.gpus.map(\.name))) }
        }
        let tp = object["tp"].map { $0.integer(min: 1, max: 64) } ?? 1
        let pp = object["pp"].map { $0.integer(min: 1, max: 256) } ?? 1
        let count = object.require("count")?.integer(min: 1, max: 100_000)
        guard let gpu, let tp, let pp, let count else { return [] }
        let layout = ParallelLayout(tensorParallel: tp, pipelineParallel: pp)
        if let problem = layout.shapeProblem(for: model) {
            node.report(problem)
            return []
        }
        let fit = MemoryFit(model: model, gpu: gpu, layout: layout, memoryUtilization: engine.memoryUtilization)
        if let shortfall = fit.shortfall(model: model, gpu: gpu, layout: layout) {
            node.report(shortfall)
            return []
        }
        let capacity = engine.kvCapacityTokens ?? fit.kvCapacityTokens
        let iterationModel: any IterationTimeModel
        switch engine.timeSource {
        case .roofline: iterationModel = RooflineModel(model: model, gpu: gpu, layout: layout)
        case let .fitted(law): iterationModel = law
        }
        return (0..<count).map { index in
            ReplicaConfiguration(
                name: "\(model.name) on \(gpu.name) \(layout) #\(index)", group: group, iterationModel: iterationModel,
                batchSize: engine.batchSize, chunkSize: engine.chunkSize, kvCapacityTokens: capacity)
        }
    }
}
