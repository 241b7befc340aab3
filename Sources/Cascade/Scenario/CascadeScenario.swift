import Foundation
import ServingModel

/// A `kind: cascade` scenario.
///
/// ```yaml
/// kind: cascade
/// cluster: {gpu: H100-80GB, count: 32, gpusPerNode: 8}
/// models: [deepseek-r1-distill-qwen-7b, deepseek-r1-distill-llama-70b, deepseek-v3-awq]   # smallest first
/// workload: {arrivalRate: 4.0, promptTokens: {lognormal: {mean: 800, sd: 600}},
///            outputTokens: {lognormal: {mean: 500, sd: 400}}}     # outputTokens: synthetic samples only
/// quality: {target: 85, samples: {synthetic: {requests: 2000, seed: 7}}}   # or samples: path/to.csv
/// objective: max-stage-latency      # or end-to-end-latency, or throughput
/// slo: {p95Latency: 20}             # seconds, end to end (default 20)
/// stageBudget: search               # throughput mode: search (default), whole or split (see StageBudget)
/// engine: {batchSize: 128, chunkSize: 512}                  # optional
/// judgeLatency: 0.27                                        # optional, seconds
/// evaluation: {seeds: 3, requests: 2000}                    # optional: simulator runs
/// ```
/// The synthetic generator's shape can be changed under `synthetic:` with `base`,
/// `strengthPerLogSize`, `noise` and `correlation` (see `SyntheticQuality`). A CSV sample is
/// described in `QualityCSV`; its path is relative to the scenario's folder.
public struct CascadeScenario: Sendable {
    /// Top-level keys of the kind.
    public static let keys = [
        "cluster", "models", "workload", "quality", "objective", "slo", "engine", "judgeLatency", "evaluation", "penalty",
        "thresholdStep", "stageBudget",
    ]
    /// Default end-to-end p95 SLO (seconds) when the scenario gives none.
    public static let defaultSLO = 20.0
    /// Default synthetic output lengths.
    public static let defaultOutputTokens = LengthDistribution.lognormal(mean: 500, sd: 400)

    /// The planning problem.
    public var problem: CascadeProblem
    /// End-to-end p95 SLO of the evaluation (seconds).
    public var slo: Double
    /// Simulator seeds and settings.
    public var seeds: [UInt64]
    public var settings: CascadeSimulationSettings
    /// Where the samples came from: a CSV path, or the synthetic generator.
    public var samplesSource: SamplesSource
    /// Prompt and output length distributions (for regenerating synthetic samples).
    public var promptTokens: LengthDistribution
    public var outputTokens: LengthDistribution

    /// Where the quality sample comes from.
    public enum SamplesSource: Sendable {
        case synthetic(SyntheticQuality)
        case csv(path: String)
    }

    /// The same problem with samples from another source (re-planning on a new workload sample).
    public func resampled(_ source: SamplesSource) throws(ScenarioError) -> CascadeScenario {
        var copy = self
        copy.samplesSource = source
        copy.problem.samples = try Self.samples(
            source, models: problem.models, promptTokens: promptTokens, outputTokens: outputTokens, label: "samples")
        return copy
    }

    static func samples(
        _ source: SamplesSource, models: [ModelSpec], promptTokens: LengthDistribution, outputTokens: LengthDistribution,
        label: String
    ) throws(ScenarioError) -> QualitySamples {
        switch source {
        case let .synthetic(generator):
            return generator.generate(models: models, promptTokens: promptTokens, outputTokens: outputTokens)
        case let .csv(path):
            let table: CSVTable
            do {
                table = try CSVTable(contentsOfFile: path)
            } catch {
                throw ScenarioError(path: label, "\(error)")
            }
            return try QualityCSV.read(table, models: models.map(\.name), label: label)
        }
    }

    /// Most requests per second, seconds of an SLO or judge call, and the penalty weight.
    public static let maxArrivalRate = 1e6
    public static let maxSeconds = 86_400.0
    public static let maxPenalty = 1e9

    /// Reads the body and runs the planner's checks (`CascadePlanner.check`) within the envelope's
    /// work limits (`CascadeWorkEstimate`); throws every problem found (also left in the diagnostics).
    public static func read(_ envelope: ScenarioEnvelope, baseDirectory: String) throws(ScenarioError) -> CascadeScenario {
        let body = envelope.body
        let catalog = envelope.catalog
        var gpu: GPUSpec?, count: Int?, perNode: Int?
        if let cluster = body.require("cluster")?.object(allowedKeys: ["gpu", "count", "gpusPerNode"]) {
            if let node = cluster.require("gpu"), let name = node.string() {
                gpu = catalog.gpu(named: name)
                if gpu == nil { node.report("unknown GPU '\(name)'" + NameSuggestion.hint(for: name, in: catalog.gpus.map(\.name))) }
            }
            count = cluster.require("count")?.integer(min: 1, max: 100_000)
            perNode = cluster["gpusPerNode"].map { $0.integer(min: 1, max: 1024) } ?? 8
        }
        var models: [ModelSpec]?
        if let list = body.require("models")?.list(nonEmpty: true) {
            var first: [String: String] = [:]
            let found = list.compactMap { node -> ModelSpec? in
                guard let name = node.string() else { return nil }
                if let earlier = first[name] {
                    node.report("duplicate model '\(name)' (also \(earlier)); a cascade lists each model once")
                    return nil
                }
                first[name] = node.path
                if let model = catalog.model(named: name) { return model }
                node.report("unknown model '\(name)'" + NameSuggestion.hint(for: name, in: catalog.models.map(\.name)))
                return nil
            }
            if found.count == list.count { models = found }
        }
        var rate: Double?, prompt: LengthDistribution?, output: LengthDistribution?
        if let workload = body.require("workload")?.object(allowedKeys: ["arrivalRate", "promptTokens", "outputTokens"]) {
            rate = workload.require("arrivalRate").flatMap { number($0, atMost: maxArrivalRate) }
            prompt = workload.require("promptTokens").flatMap {
                WorkloadSection.readLength($0, field: .prompt, baseDirectory: baseDirectory)
            }
            output = workload["outputTokens"].map {
                WorkloadSection.readLength($0, field: .output, baseDirectory: baseDirectory)
            } ?? defaultOutputTokens
        }
        var target: Double?, source: SamplesSource?, samplesNode: ConfigNode?
        if let quality = body.require("quality")?.object(allowedKeys: ["target", "samples"]) {
            target = quality.require("target")?.number(.range(0...100))
            samplesNode = quality.require("samples")
            source = samplesNode.flatMap { readSource($0, baseDirectory: baseDirectory) }
        }
        let objective = body["objective"].map { node in
            node.choice(DeploymentObjective.allCases.map(\.rawValue)).flatMap(DeploymentObjective.init(rawValue:))
        } ?? .maxStageLatency
        var slo: Double? = defaultSLO
        if let node = body["slo"] {
            slo = node.object(allowedKeys: ["p95Latency"])?.require("p95Latency").flatMap { number($0, atMost: maxSeconds) }
        } else if objective == .throughput {
            _ = body.require("slo")
        }
        let engine = readEngine(body["engine"])
        let judge = body["judgeLatency"].map { $0.number(.range(0...maxSeconds)) } ?? CascadeProblem.defaultJudgeLatency
        let penalty = body["penalty"].map { number($0, atMost: maxPenalty) } ?? CascadeProblem.defaultPenalty
        let step = body["thresholdStep"].map { $0.number(.range(0.5...50)) } ?? 5
        let budget = body["stageBudget"].map { node in
            node.choice(StageBudget.allCases.map(\.rawValue)).flatMap(StageBudget.init(rawValue:))
        } ?? .search
        var seeds: Int? = 3, requests: Int? = 2000
        if let evaluation = body["evaluation"]?.object(allowedKeys: ["seeds", "requests"]) {
            seeds = evaluation["seeds"].map { $0.integer(min: 1, max: 100) } ?? 3
            requests = evaluation["requests"].map { $0.integer(min: 100, max: 1_000_000) } ?? 2000
        }
        guard envelope.diagnostics.issues.isEmpty, let gpu, let count, let perNode, let models, let rate, let prompt,
              let output, let target, let source, let samplesNode, let objective, let slo, let engine, let judge,
              let penalty, let step, let budget, let seeds, let requests else { throw envelope.diagnostics.failure() }
        func refuse(_ error: ScenarioError) -> ScenarioError {
            for issue in error.issues { envelope.diagnostics.report(issue.path, issue.message) }
            return envelope.diagnostics.failure()
        }
        let samples: QualitySamples
        do {
            samples = try Self.samples(source, models: models, promptTokens: prompt, outputTokens: output, label: samplesNode.path)
        } catch {
            throw refuse(error)
        }
        var problem = CascadeProblem(
            models: models,
            engine: CascadeEngine(gpu: gpu, gpusPerNode: perNode, batchSize: engine.batch, chunkSize: engine.chunk),
            totalGPUs: count, arrivalRate: rate, samples: samples, qualityTarget: target, objective: objective, sloP95: slo,
            judgeLatency: judge, penalty: penalty, thresholdStep: step)
        problem.stageBudget = budget
        // The planning work is checked here; the simulation's only where it runs (`CascadeEvaluator.check`),
        // so that `plan cascade --no-evaluate` on a large cluster is not refused for a simulation it skips.
        do {
            try CascadeWorkEstimate(problem: problem).check(envelope.limits, at: "cluster.count")
        } catch {
            throw refuse(error)
        }
        do {
            _ = try CascadePlanner.check(problem)
        } catch {
            throw refuse(ScenarioError(path: error.keyPath ?? "", error.message))
        }
        return CascadeScenario(
            problem: problem, slo: slo, seeds: (1...seeds).map { UInt64($0) },
            settings: CascadeSimulationSettings(requests: requests, judgeLatency: judge), samplesSource: source,
            promptTokens: prompt, outputTokens: output)
    }

    /// A number > 0 (its usual message) and at most `limit` (the stated maximum).
    static func number(_ node: ConfigNode, atMost limit: Double) -> Double? {
        guard let value = node.number(.positive) else { return nil }
        guard value <= limit else {
            node.report("must be <= \(String(format: "%.0f", limit)), got \(value)")
            return nil
        }
        return value
    }

    /// `samples:` — a CSV path, or `{synthetic: {requests, seed, ...}}`.
    static func readSource(_ node: ConfigNode, baseDirectory: String) -> SamplesSource? {
        if case let .string(file) = node.value {
            return .csv(path: file.hasPrefix("/") ? file : (baseDirectory as NSString).appendingPathComponent(file))
        }
        guard let object = node.object(allowedKeys: ["synthetic"]),
              let synthetic = object.require("synthetic")?.object(
                allowedKeys: ["requests", "seed", "base", "strengthPerLogSize", "noise", "correlation"]) else { return nil }
        let requests = synthetic.require("requests")?.integer(min: 10, max: 1_000_000)
        let seed = synthetic["seed"].map { $0.integer(min: 0) } ?? 1
        let base = synthetic["base"].map { $0.number() }
        let strength = synthetic["strengthPerLogSize"].map { $0.number(.nonNegative) }
        let noise = synthetic["noise"].map { $0.number(.nonNegative) }
        let correlation = synthetic["correlation"].map { $0.number(.range(0...1)) }
        guard let requests, let seed else { return nil }
        var generator = SyntheticQuality(requests: requests, seed: UInt64(seed))
        if let base { guard let base else { return nil }; generator.base = base }
        if let strength { guard let strength else { return nil }; generator.strengthPerLogSize = strength }
        if let noise { guard let noise else { return nil }; generator.noise = noise }
        if let correlation { guard let correlation else { return nil }; generator.correlation = correlation }
        return .synthetic(generator)
    }

    static func readEngine(_ node: ConfigNode?) -> (batch: Int, chunk: Int)? {
        guard let node else { return (CascadeEngine.defaultBatchSize, CascadeEngine.defaultChunkSize) }
        guard let object = node.object(allowedKeys: ["batchSize", "chunkSize"]) else { return nil }
        let batch = object["batchSize"].map { $0.integer(min: 1, max: 65536) } ?? CascadeEngine.defaultBatchSize
        let chunk = object["chunkSize"].map { $0.integer(min: 1, max: 1 << 20) } ?? CascadeEngine.defaultChunkSize
        guard let batch, let chunk else { return nil }
        return (batch, chunk)
    }
}
