import Foundation
import ServingModel

/// A `kind: deploy` scenario: the fleet that may be used, the models with their traffic and SLOs.
///
/// ```yaml
/// kind: deploy
/// fleet:                      # counts are upper bounds; prices (per GPU-hour) optional
///   - {gpu: H100-80GB, count: 64, gpusPerNode: 8, pricePerHour: 2.50}
///   - {gpu: L40S, count: 16, gpusPerNode: 4, pricePerHour: 0.90, networkGBps: 25}
/// models:
///   - name: llama-3.1-70b
///     workload: {arrivalRate: 12, promptTokens: {lognormal: {mean: 2000, sd: 800}},
///                outputTokens: {exponential: {mean: 400}}}
///     slo: {ttft: {p90: 1.0}, tpot: {p90: 0.05}, attainment: 0.95}
///   - name: llama-3.1-8b
///     workload: {trace: ../data/traces/splitwise_conv.csv, scale: 3.0}   # relative to this file
///     slo: {ttft: {p99: 0.5}, tpot: {p90: 0.02}}
/// objective: min-cost         # or max-rate, min-gpus
/// modes: [aggregated, disaggregated]
/// engine: {maxBatch: [64, 128, 256], chunkTokens: [2048, 8192], memoryUtilization: 0.9}   # optional
/// verification: {seeds: 2, requests: 4000, maxRounds: 6}                                # optional
/// solver: {relativeGap: 0.01, timeLimit: 25}                                            # optional
/// ```
/// An SLO target is one percentile key, `p50` to `p99.9` (seconds); `attainment` (the share of
/// requests meeting both targets) defaults to the higher of the two percentile levels.
public struct DeployScenario: Sendable {
    /// Top-level keys of the kind.
    public static let keys = ["fleet", "models", "objective", "modes", "engine", "verification", "solver"]
    /// Most GPUs of one type, models, fleet entries and requests per second.
    public static let maxGPUs = 100_000
    public static let maxModels = 100
    public static let maxPools = 20
    public static let maxArrivalRate = 1e6
    public static let maxPrice = 1e6

    public var problem: DeployProblem

    /// Reads and checks the body; throws every problem found (also left in the diagnostics).
    public static func read(_ envelope: ScenarioEnvelope, baseDirectory: String) throws(ScenarioError) -> DeployScenario {
        let body = envelope.body
        let catalog = envelope.catalog
        let fleet = body.require("fleet").flatMap { readFleet($0, catalog: catalog) }
        let models = body.require("models").flatMap { readModels($0, catalog: catalog, baseDirectory: baseDirectory) }
        let objective = body["objective"].map { node in
            node.choice(DeployObjective.allCases.map(\.rawValue)).flatMap(DeployObjective.init(rawValue:))
        } ?? .minCost
        var modes: Set<ServingMode>? = [.aggregated]
        if let node = body["modes"], let list = node.list(nonEmpty: true) {
            let read = list.compactMap { $0.choice(ServingMode.allCases.map(\.rawValue)).flatMap(ServingMode.init(rawValue:)) }
            modes = read.count == list.count ? Set(read) : nil
        } else if body["modes"] != nil {
            modes = nil
        }
        var settings: DeploySearchSettings? = DeploySearchSettings()
        if let engine = body["engine"] { settings = readEngine(engine, into: settings) }
        if let verification = body["verification"] { settings = readVerification(verification, into: settings) }
        if let solver = body["solver"] { settings = readSolver(solver, into: settings) }
        guard envelope.diagnostics.issues.isEmpty, let fleet, let models, let objective, let modes, let settings else {
            throw envelope.diagnostics.failure()
        }
        if objective == .minCost, let unpriced = fleet.first(where: { $0.pricePerHour == nil }) {
            envelope.diagnostics.report(
                "fleet", "objective min-cost needs pricePerHour on every GPU type; \(unpriced.gpu.name) has none (or use min-gpus)")
            throw envelope.diagnostics.failure()
        }
        let problem = DeployProblem(fleet: fleet, models: models, objective: objective, modes: modes, settings: settings)
        do {
            try DeployWorkEstimate(problem: problem).checkPatterns(envelope.limits)
        } catch {
            for issue in error.issues { envelope.diagnostics.report(issue.path, issue.message) }
            throw envelope.diagnostics.failure()
        }
        return DeployScenario(problem: problem)
    }

    static func readFleet(_ node: ConfigNode, catalog: Catalog) -> [FleetPool]? {
        guard let list = node.list(nonEmpty: true) else { return nil }
        if list.count > maxPools { node.report("at most \(maxPools) GPU types, got \(list.count)"); return nil }
        var seen: [String: String] = [:]
        var pools: [FleetPool] = []
        for item in list {
            guard let entry = item.object(allowedKeys: ["gpu", "count", "gpusPerNode", "pricePerHour", "networkGBps"]) else { continue }
            var gpu: GPUSpec?
            if let nameNode = entry.require("gpu"), let name = nameNode.string() {
                gpu = catalog.gpu(named: name)
                if gpu == nil {
                    nameNode.report("unknown GPU '\(name)'" + NameSuggestion.hint(for: name, in: catalog.gpus.map(\.name)))
                } else if let earlier = seen[name] {
                    nameNode.report("GPU type '\(name)' listed twice (also \(earlier)); give one entry with the total count")
                    gpu = nil
                }
                seen[name] = seen[name] ?? nameNode.path
            }
            let count = entry.require("count")?.integer(min: 1, max: maxGPUs)
            let perNode = entry["gpusPerNode"].map { $0.integer(min: 1, max: 64) } ?? 8
            let price = entry["pricePerHour"].map { node -> Double?? in
                guard let value = node.number(.nonNegative) else { return .some(nil) }
                guard value <= maxPrice else { node.report("must be <= \(Int(maxPrice)), got \(value)"); return .some(nil) }
                return .some(value)
            }
            let network = entry["networkGBps"].map { $0.number(.positive, max: 10_000).map { $0 * 1e9 } }
            guard let gpu, let count, let perNode else { continue }
            if case .some(.some(nil)) = price { continue }
            if case .some(nil) = network { continue }
            pools.append(FleetPool(gpu: gpu, count: count, gpusPerNode: perNode, pricePerHour: price.flatMap { $0 } ?? nil,
                                   networkBandwidth: network.flatMap { $0 }))
        }
        return pools.count == list.count ? pools : nil
    }

    static func readModels(_ node: ConfigNode, catalog: Catalog, baseDirectory: String) -> [ModelDemand]? {
        guard let list = node.list(nonEmpty: true) else { return nil }
        if list.count > maxModels { node.report("at most \(maxModels) models, got \(list.count)"); return nil }
        var seen: [String: String] = [:]
        var demands: [ModelDemand] = []
        for item in list {
            guard let entry = item.object(allowedKeys: ["name", "workload", "slo"]) else { continue }
            var model: ModelSpec?
            if let nameNode = entry.require("name"), let name = nameNode.string() {
                model = catalog.model(named: name)
                if model == nil {
                    nameNode.report("unknown model '\(name)'" + NameSuggestion.hint(for: name, in: catalog.models.map(\.name)))
                } else if let earlier = seen[name] {
                    nameNode.report("model '\(name)' listed twice (also \(earlier)); give one entry with its whole traffic")
                    model = nil
                }
                seen[name] = seen[name] ?? nameNode.path
            }
            let workload = entry.require("workload").flatMap { readWorkload($0, baseDirectory: baseDirectory) }
            let slo = entry.require("slo").flatMap(readSLO)
            guard let model, let workload, let slo else { continue }
            demands.append(ModelDemand(model: model, workload: workload, slo: slo))
        }
        return demands.count == list.count ? demands : nil
    }

    static func readWorkload(_ node: ConfigNode, baseDirectory: String) -> DeployWorkload? {
        guard let object = node.object(allowedKeys: ["arrivalRate", "promptTokens", "outputTokens", "trace", "scale"]) else { return nil }
        if let traceNode = object["trace"] {
            for key in ["arrivalRate", "promptTokens", "outputTokens"] where object.has(key) {
                object.report(key: key, "a trace sets the arrivals and lengths; give 'scale' to change its rate")
            }
            let scale = object["scale"].map { $0.number(.positive, max: 1e6) } ?? 1
            guard let file = traceNode.string(), let scale else { return nil }
            let path = file.hasPrefix("/") ? file : (baseDirectory as NSString).appendingPathComponent(file)
            var names: [String] = []
            do {
                let requests = try TraceWorkload.load(path: path, classNames: &names)
                guard requests.count >= 2 else {
                    traceNode.report("the trace needs at least 2 requests to give a rate, got \(requests.count)")
                    return nil
                }
                return .trace(path: path, requests: requests, scale: scale)
            } catch let error as ScenarioError {
                for issue in error.issues { traceNode.report(issue.message) }
            } catch {
                traceNode.report("\(error)")
            }
            return nil
        }
        if object.has("scale") { object.report(key: "scale", "applies only to a trace") }
        let rate = object.require("arrivalRate")?.number(.positive, max: maxArrivalRate)
        let prompt = object.require("promptTokens").flatMap { WorkloadSection.readLength($0, field: .prompt, baseDirectory: baseDirectory) }
        let output = object.require("outputTokens").flatMap { WorkloadSection.readLength($0, field: .output, baseDirectory: baseDirectory) }
        guard let rate, let prompt, let output else { return nil }
        return .synthetic(rate: rate, prompt: prompt, output: output)
    }

    /// `{ttft: {pNN: s}, tpot: {pNN: s}, attainment: a}`.
    static func readSLO(_ node: ConfigNode) -> DeploySLO? {
        guard let object = node.object(allowedKeys: ["ttft", "tpot", "attainment"]) else { return nil }
        let ttft = object.require("ttft").flatMap(readTarget)
        let tpot = object.require("tpot").flatMap(readTarget)
        let attainment = object["attainment"].map { $0.number(.range(0.5...0.999)) }
        guard let ttft, let tpot else { return nil }
        if case .some(nil) = attainment { return nil }
        return DeploySLO(ttftQuantile: ttft.quantile, ttftSeconds: ttft.seconds, tpotQuantile: tpot.quantile,
                         tpotSeconds: tpot.seconds, attainment: attainment.flatMap { $0 })
    }

    /// `{p90: 0.5}`: one percentile key (p50 … p99.9) and its target in seconds (≤ 1 hour).
    static func readTarget(_ node: ConfigNode) -> (quantile: Double, seconds: Double)? {
        guard case let .object(entries) = node.value else {
            node.report("must be a mapping with one percentile key, e.g. {p90: 0.5}")
            return nil
        }
        guard entries.count == 1, let key = entries.first?.key else {
            node.report("give exactly one percentile key (p50 … p99.9), got \(entries.count)")
            return nil
        }
        guard key.hasPrefix("p"), let level = Double(key.dropFirst()), level >= 50, level <= 99.9 else {
            node.report("unknown key '\(key)'; a target is one of p50 … p99.9, e.g. p90")
            return nil
        }
        guard let object = node.object(allowedKeys: [key]), let seconds = object[key]?.number(.positive, max: 3600) else { return nil }
        return (level / 100, seconds)
    }

    static func readEngine(_ node: ConfigNode, into settings: DeploySearchSettings?) -> DeploySearchSettings? {
        guard let object = node.object(allowedKeys: ["maxBatch", "chunkTokens", "tensorParallel", "memoryUtilization"]),
              var settings else { return nil }
        func integers(_ key: String, min: Int, max: Int) -> [Int]?? {
            guard let child = object[key] else { return .none }
            if case .number = child.value { return .some(child.integer(min: min, max: max).map { [$0] }) }
            guard let list = child.list(nonEmpty: true) else { return .some(nil) }
            let values = list.compactMap { $0.integer(min: min, max: max) }
            return .some(values.count == list.count ? Array(Set(values)).sorted() : nil)
        }
        var failed = false
        switch integers("maxBatch", min: 1, max: 4096) { case .some(nil): failed = true; case let .some(v?): settings.maxBatches = v; case .none: break }
        switch integers("chunkTokens", min: 16, max: 1 << 20) { case .some(nil): failed = true; case let .some(v?): settings.chunkTokens = v; case .none: break }
        switch integers("tensorParallel", min: 1, max: 64) { case .some(nil): failed = true; case let .some(v?): settings.tensorParallel = v; case .none: break }
        if let memory = object["memoryUtilization"] {
            if let value = memory.number(.range(0.1...0.99)) { settings.memoryUtilization = value } else { failed = true }
        }
        if settings.maxBatches.count * settings.chunkTokens.count > 64 {
            object.report("at most 64 (maxBatch, chunkTokens) pairs, got \(settings.maxBatches.count * settings.chunkTokens.count)")
            failed = true
        }
        return failed ? nil : settings
    }

    static func readVerification(_ node: ConfigNode, into settings: DeploySearchSettings?) -> DeploySearchSettings? {
        guard let object = node.object(allowedKeys: ["seeds", "requests", "maxRounds"]), var settings else { return nil }
        let seeds = object["seeds"].map { $0.integer(min: 1, max: 20) }
        let requests = object["requests"].map { $0.integer(min: 200, max: 1_000_000) }
        let rounds = object["maxRounds"].map { $0.integer(min: 1, max: 20) }
        if case .some(nil) = seeds { return nil }
        if case .some(nil) = requests { return nil }
        if case .some(nil) = rounds { return nil }
        if let count = seeds.flatMap({ $0 }) { settings.seeds = (1...count).map { UInt64($0) } }
        if let requests = requests.flatMap({ $0 }) { settings.requestsPerSeed = requests }
        if let rounds = rounds.flatMap({ $0 }) { settings.maxRounds = rounds }
        return settings
    }

    static func readSolver(_ node: ConfigNode, into settings: DeploySearchSettings?) -> DeploySearchSettings? {
        guard let object = node.object(allowedKeys: ["relativeGap", "timeLimit"]), var settings else { return nil }
        let gap = object["relativeGap"].map { $0.number(.range(0...1)) }
        let limit = object["timeLimit"].map { $0.number(.positive, max: 3600) }
        if case .some(nil) = gap { return nil }
        if case .some(nil) = limit { return nil }
        if let gap = gap.flatMap({ $0 }) { settings.relativeGap = gap }
        if let limit = limit.flatMap({ $0 }) { settings.timeLimit = limit }
        return settings
    }
}
