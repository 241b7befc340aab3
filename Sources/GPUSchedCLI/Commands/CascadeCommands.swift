import ArgumentParser
import Cascade
import Foundation
import Planning
import ServingModel

/// `gpusched plan cascade FILE`: the bi-level cascade plan (thresholds + deployment MILP) and its baselines.
struct CascadePlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cascade",
        abstract: "Plan a model cascade: thresholds against a quality target and the GPU/layout deployment MILP.",
        discussion: """
            Coordinate descent over the thresholds (grid of thresholdStep on 0–100); each candidate \
            re-solves the deployment MILP on the workload it sends to each stage. The plan and the \
            baselines (single model, uniform GPU split, uniform layout, GPUs proportional to load) are \
            then simulated at the scenario's arrival rate on the same arrivals (seed 1). \
            'gpusched simulate cascade' adds every seed and the sustainable-rate search.

            --replan synthetic:SEED or --replan FILE.csv re-plans on a new sample, starting from the \
            plan, and lists the replicas that change.

            Example:
              gpusched plan cascade examples/cascade-deepseek.yaml --json
            """
    )

    @Argument(help: "Scenario file (kind: cascade).")
    var file: String

    @Option(name: .long, help: "Re-plan on a new sample: synthetic:SEED or a CSV path.")
    var replan: String?

    @OptionGroup var output: OutputOptions

    @OptionGroup var workLimits: WorkLimitOptions

    func run() throws {
        let scenario = try ScenarioKinds.loadCascade(path: file, limits: workLimits.limits)
        let (planner, plan, seconds) = try CascadeRun.plan(scenario)
        let evaluator = CascadeRun.evaluator(scenario, seeds: [1])
        var report = CascadeRun.report(
            planner: planner, plan: plan, seconds: seconds, evaluator: evaluator, searchRate: false,
            progress: output.progressReporter)
        if let replan {
            report.replan = try CascadeRun.replan(
                scenario: scenario, previous: plan, source: replan, limits: workLimits.limits)
        }
        if output.json {
            try JSONOutput.print(report, kind: "plan-cascade")
        } else {
            print(CascadeRun.render(report))
        }
    }
}

/// `gpusched simulate cascade FILE`: the plan and the baselines in the simulator, every seed, with the sustainable rate.
struct CascadeSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cascade",
        abstract: "Simulate the cascade plan and its baselines: p95/p99, SLO attainment, sustainable rate.",
        discussion: """
            Every cascade runs on the same arrivals and sampled requests for each seed \
            (evaluation.seeds, default 3; evaluation.requests per run, default 2000, the first 10 % \
            not measured). The sustainable rate is the highest arrival rate at which 95 % of requests \
            finish within slo.p95Latency (doubling/halving from the scenario's rate, then bisection).

            Example:
              gpusched simulate cascade examples/cascade-deepseek.yaml --json
            """
    )

    @Argument(help: "Scenario file (kind: cascade).")
    var file: String

    @Option(name: .long, help: "Override the scenario's slo.p95Latency (seconds) for planning and evaluation.")
    var slo: Double?

    @Option(name: .long, help: "Override the scenario's stageBudget (throughput mode): search, whole or split.")
    var stageBudget: String?

    @OptionGroup var output: OutputOptions

    @OptionGroup var workLimits: WorkLimitOptions

    func validate() throws {
        if let slo, !(slo > 0 && slo <= CascadeScenario.maxSeconds) {
            throw ValidationError("--slo must be a number of seconds in (0, \(Int(CascadeScenario.maxSeconds))], got \(slo)")
        }
        if let stageBudget, StageBudget(rawValue: stageBudget) == nil {
            throw ValidationError("--stage-budget must be search, whole or split, got '\(stageBudget)'")
        }
    }

    func run() throws {
        var scenario = try ScenarioKinds.loadCascade(path: file, limits: workLimits.limits)
        if let slo {
            scenario.slo = slo
            scenario.problem.sloP95 = slo
            try workLimits.limits.check(
                requests: CascadeWorkEstimate.simulatedRequests(
                    seeds: scenario.seeds.count, requests: scenario.settings.requests, rate: scenario.problem.arrivalRate, slo: slo),
                what: "simulated requests (seeds × 5 cascades × 19 runs × requests per run, a run spanning ten SLOs)", at: "--slo")
        }
        if let stageBudget, let budget = StageBudget(rawValue: stageBudget) { scenario.problem.stageBudget = budget }
        let (planner, plan, seconds) = try CascadeRun.plan(scenario)
        let evaluator = CascadeRun.evaluator(scenario, seeds: scenario.seeds)
        let report = CascadeRun.report(
            planner: planner, plan: plan, seconds: seconds, evaluator: evaluator, searchRate: true,
            progress: output.progressReporter)
        if output.json {
            try JSONOutput.print(report, kind: "simulate-cascade")
        } else {
            print(CascadeRun.render(report))
        }
    }
}

/// What `plan cascade` and `simulate cascade` share: planning, the report and its rendering.
enum CascadeRun {
    struct Replica: Encodable { var tp: Int; var pp: Int }
    struct Stage: Encodable {
        var model: String
        var gpus: Int
        var reachFraction: Double
        var arrivalRate: Double
        var p95Latency: Double
        var replicas: [Replica]
    }
    struct Attainment: Encodable { var scale: Double; var attainment: Double }
    struct Evaluated: Encodable {
        var name: String
        var thresholds: [Double]
        var quality: Double
        var stages: [Stage]
        var p95Latency: Double
        var p99Latency: Double
        var sloAttainment: [Attainment]
        var sustainableRate: Double?
    }
    struct Replan: Encodable {
        var thresholds: [Double]
        var quality: Double
        var stages: [Stage]
        var changes: [ReplanChange]
        var replicasChanged: Int
    }
    struct Report: Encodable {
        var thresholds: [Double]
        var quality: Double
        var qualityTarget: Double
        /// False when no thresholds reach the target without overloading a stage (J then carries the penalty).
        var meetsTarget: Bool
        var objective: String
        var objectiveValue: Double
        /// Throughput mode: each stage's p95 budget (seconds) in the rate tables of the plan.
        var stageBudgets: [Double]?
        var score: Double
        var iterations: Int
        var trajectory: [Double]
        var evaluations: Int
        var planningSeconds: Double
        var stages: [Stage]
        var slo: Double
        var arrivalRate: Double
        /// Simulator seeds (the same arrivals and sampled requests for every plan).
        var seeds: [UInt64]
        var simulated: Evaluated
        var baselines: [Evaluated]
        var skippedBaselines: [String: String]
        var replan: Replan?
    }

    /// Plans the scenario; planning failures are bad input (exit 2).
    static func plan(_ scenario: CascadeScenario) throws -> (CascadePlanner, CascadePlan, Double) {
        let started = ContinuousClock.now
        do {
            let planner = try CascadePlanner(problem: scenario.problem)
            let plan = try planner.plan()
            return (planner, plan, (ContinuousClock.now - started).inSeconds)
        } catch let error as CascadeError {
            throw InputError(error.message)
        }
    }

    /// The simulator evaluation of the scenario at its arrival rate and SLO, on `seeds`.
    static func evaluator(_ scenario: CascadeScenario, seeds: [UInt64]) -> CascadeEvaluator {
        CascadeEvaluator(
            samples: scenario.problem.samples, engine: scenario.problem.engine, rate: scenario.problem.arrivalRate,
            slo: scenario.slo, seeds: seeds, settings: scenario.settings)
    }

    static func stages(_ cascade: CascadeConfiguration, planner: CascadePlanner, rate: Double) -> [Stage] {
        let estimates = StageEstimate.of(cascade, planner: planner, rate: rate)
        return zip(cascade.stages, estimates).map { stage, estimate in
            Stage(
                model: stage.model.name, gpus: stage.gpus, reachFraction: estimate.reachFraction,
                arrivalRate: estimate.arrivalRate, p95Latency: estimate.p95Latency,
                replicas: Array(
                    repeating: Replica(tp: stage.layout.layout.tensorParallel, pp: stage.layout.layout.pipelineParallel),
                    count: stage.layout.replicas))
        }
    }

    /// Every model of the plan in cascade order: the simulated stages, then the models the plan
    /// leaves without traffic (0 GPUs, no replicas).
    static func planStages(_ plan: CascadePlan, cascade: CascadeConfiguration, planner: CascadePlanner) -> [Stage] {
        let used = stages(cascade, planner: planner, rate: planner.problem.arrivalRate)
        return used + plan.stages.dropFirst(used.count).map { stage in
            Stage(model: stage.model, gpus: 0, reachFraction: 0, arrivalRate: 0, p95Latency: 0, replicas: [])
        }
    }

    static func evaluate(
        _ cascade: CascadeConfiguration, planner: CascadePlanner, evaluator: CascadeEvaluator, searchRate: Bool
    ) -> Evaluated {
        let metrics = evaluator.metrics(cascade, searchRate: searchRate)
        return Evaluated(
            name: cascade.name, thresholds: cascade.thresholds, quality: cascade.quality(on: planner.problem.samples),
            stages: stages(cascade, planner: planner, rate: evaluator.rate), p95Latency: metrics.p95, p99Latency: metrics.p99,
            sloAttainment: zip(evaluator.scales, metrics.attainment).map { Attainment(scale: $0, attainment: $1) },
            sustainableRate: metrics.sustainableRate)
    }

    /// Simulates the plan and every baseline; `progress` hears which one runs next.
    static func report(
        planner: CascadePlanner, plan: CascadePlan, seconds: Double, evaluator: CascadeEvaluator, searchRate: Bool,
        progress: ProgressReporter = .silent
    ) -> Report {
        let cascade = CascadeBaselines.cascade(of: plan, planner: planner)
        let (baselines, skipped) = CascadeBaselines.all(plan: plan, planner: planner)
        let problem = planner.problem
        let what = searchRate ? "simulating (and searching the sustainable rate of)" : "simulating"
        progress.say("\(what) the plan over \(evaluator.seeds.count) seeds")
        let simulated = evaluate(cascade, planner: planner, evaluator: evaluator, searchRate: searchRate)
        let evaluatedBaselines = baselines.map { baseline in
            progress.say("\(what) baseline '\(baseline.name)'")
            return evaluate(baseline, planner: planner, evaluator: evaluator, searchRate: searchRate)
        }
        return Report(
            thresholds: plan.thresholds, quality: plan.quality, qualityTarget: problem.qualityTarget,
            meetsTarget: plan.quality >= problem.qualityTarget, objective: problem.objective.rawValue,
            objectiveValue: plan.objectiveValue, stageBudgets: plan.stageBudgets, score: plan.score,
            iterations: plan.iterations, trajectory: plan.trajectory, evaluations: plan.evaluations, planningSeconds: seconds,
            stages: planStages(plan, cascade: cascade, planner: planner), slo: evaluator.slo,
            arrivalRate: problem.arrivalRate, seeds: evaluator.seeds,
            simulated: simulated, baselines: evaluatedBaselines,
            skippedBaselines: skipped, replan: nil)
    }

    /// Re-plans on the sample named by `source` (`synthetic:SEED` or a CSV path), starting from
    /// `previous`, after checking the new sample's planning work against `limits`.
    static func replan(scenario: CascadeScenario, previous: CascadePlan, source: String, limits: WorkLimits) throws -> Replan {
        let samples: CascadeScenario.SamplesSource
        if source.hasPrefix("synthetic:") {
            guard case var .synthetic(generator) = scenario.samplesSource, let seed = UInt64(source.dropFirst("synthetic:".count)) else {
                throw InputError("--replan synthetic:SEED needs a whole seed and a scenario with synthetic samples, got '\(source)'")
            }
            generator.seed = seed
            samples = .synthetic(generator)
        } else {
            samples = .csv(path: source.hasPrefix("/") ? source : FileManager.default.currentDirectoryPath + "/" + source)
        }
        let resampled = try scenario.resampled(samples)
        try CascadeWorkEstimate(problem: resampled.problem).check(limits, at: "--replan")
        do {
            let planner = try CascadePlanner(problem: resampled.problem)
            let plan = try planner.plan(previous: previous)
            let changes = ReplanChange.between(previous, plan)
            return Replan(
                thresholds: plan.thresholds, quality: plan.quality,
                stages: stages(CascadeBaselines.cascade(of: plan, planner: planner), planner: planner, rate: resampled.problem.arrivalRate),
                changes: changes, replicasChanged: changes.reduce(0) { $0 + $1.removed + $1.added })
        } catch let error as CascadeError {
            throw InputError("re-planning: " + error.message)
        }
    }

    static func render(_ report: Report) -> String {
        var lines: [String] = []
        lines.append("thresholds " + report.thresholds.map { Format.fixed($0, 0) }.joined(separator: ", ")
            + "; quality \(Format.fixed(report.quality, 2)) (target \(Format.fixed(report.qualityTarget, 1))); "
            + "\(report.objective) \(Format.fixed(report.objectiveValue, 3)); J \(Format.fixed(report.score, 3))")
        if !report.meetsTarget {
            lines.append("warning: quality \(Format.fixed(report.quality, 2)) misses the target: thresholds that reach it "
                + "overload a stage at this SLO or rate (J includes the penalty)")
        }
        lines.append("search: \(report.iterations) rounds, \(report.evaluations) thresholds evaluated, J by round "
            + report.trajectory.map { Format.fixed($0, 3) }.joined(separator: " → ")
            + "; planned in \(Format.fixed(report.planningSeconds, 2)) s")
        if let budgets = report.stageBudgets {
            lines.append("stage p95 budgets (s): " + budgets.map { Format.fixed($0, 2) }.joined(separator: ", "))
        }
        lines.append(stageTable(report.stages))
        lines.append("")
        lines.append("Simulated at \(Format.fixed(report.arrivalRate, 2)) requests/s, SLO p95 \(Format.fixed(report.slo, 1)) s, "
            + "seeds " + report.seeds.map(String.init).joined(separator: ", ") + ":")
        var headers = ["plan", "quality", "GPUs", "p95 s", "p99 s"]
        headers += report.simulated.sloAttainment.map { "≤\(Format.fixed($0.scale, 2))×SLO" }
        if report.simulated.sustainableRate != nil { headers.append("max rate @95%") }
        var table = TextTable(headers)
        for row in [report.simulated] + report.baselines {
            var cells = [
                row.name, Format.fixed(row.quality, 2), row.stages.map { "\($0.gpus)" }.joined(separator: "/"),
                Format.fixed(row.p95Latency, 2), Format.fixed(row.p99Latency, 2),
            ]
            cells += row.sloAttainment.map { Format.fixed($0.attainment * 100, 1) + " %" }
            if let rate = row.sustainableRate { cells.append(Format.fixed(rate, 2) + " /s") }
            table.add(cells)
        }
        lines.append(table.render())
        for (name, reason) in report.skippedBaselines.sorted(by: { $0.key < $1.key }) { lines.append("\(name) skipped: \(reason)") }
        if let replan = report.replan {
            lines.append("")
            lines.append("Re-plan: thresholds " + replan.thresholds.map { Format.fixed($0, 0) }.joined(separator: ", ")
                + ", quality \(Format.fixed(replan.quality, 2)); \(replan.replicasChanged) replicas change")
            var changes = TextTable(["model", "GPUs", "kept", "removed", "added"])
            for change in replan.changes {
                changes.add([change.model, "\(change.gpusBefore) → \(change.gpusAfter)", "\(change.kept)", "\(change.removed)", "\(change.added)"])
            }
            lines.append(changes.render())
        }
        return lines.joined(separator: "\n")
    }

    static func stageTable(_ stages: [Stage]) -> String {
        var table = TextTable(["model", "GPUs", "replicas", "reach", "rate /s", "est. p95 s"])
        for stage in stages {
            let layout = stage.replicas.first.map { "\(stage.replicas.count) × TP\($0.tp)·PP\($0.pp)" } ?? "-"
            table.add([
                stage.model, "\(stage.gpus)", layout, Format.fixed(stage.reachFraction * 100, 1) + " %",
                Format.fixed(stage.arrivalRate, 2), Format.fixed(stage.p95Latency, 2),
            ])
        }
        return table.render()
    }
}
