import Planning

/// A cascade as a report shows it, the same shape for the plan and for each baseline: its
/// thresholds, quality and stages (GPUs, replicas, the estimator's load and p95); the plan also
/// carries the search that found it and, with a re-plan, what re-planning changes.
public struct CascadeDeployment: Sendable, Encodable {
    /// One replica's layout.
    public struct Replica: Sendable, Hashable, Encodable {
        public var tp: Int
        public var pp: Int
    }

    /// One stage: its model, GPUs and replicas, the traffic it receives and its estimated p95.
    public struct Stage: Sendable, Encodable {
        public var model: String
        public var gpus: Int
        /// Share of requests the stage runs.
        public var reachFraction: Double
        /// Requests per second the stage runs.
        public var arrivalRate: Double
        /// The estimator's p95 latency of the stage (null when it cannot keep up).
        public var p95LatencySeconds: Double
        /// The replicas (empty for a model without traffic).
        public var replicas: [Replica]
    }

    /// `cascadia` for the plan, else the baseline's name (`single-model`, `uniform-gpus`, …).
    public var name: String
    /// Acceptance threshold of every stage but the last.
    public var thresholds: [Double]
    /// Q(θ): the mean judge score of the answers returned on the sample.
    public var quality: Double
    /// The stages in cascade order (the plan lists every model, those without traffic with 0 GPUs).
    public var stages: [Stage]
    /// The plan's search (null for a baseline).
    @Nullable public var search: CascadeSearchSummary? = nil
    /// With `--replan`, the plan re-made on a new sample and what changes (null otherwise and for a baseline).
    @Nullable public var replan: CascadeReplan? = nil

    /// The stages of `cascade` as the estimator sees them at `rate` with `planner`'s layouts.
    public static func stages(of cascade: CascadeConfiguration, planner: CascadePlanner, rate: Double) -> [Stage] {
        zip(cascade.stages, StageEstimate.of(cascade, planner: planner, rate: rate)).map { stage, estimate in
            Stage(
                model: stage.model.name, gpus: stage.gpus, reachFraction: estimate.reachFraction,
                arrivalRate: estimate.arrivalRate, p95LatencySeconds: estimate.p95Latency,
                replicas: Array(
                    repeating: Replica(tp: stage.layout.layout.tensorParallel, pp: stage.layout.layout.pipelineParallel),
                    count: stage.layout.replicas))
        }
    }

    /// A baseline (or any configuration) as a deployment without a search.
    public init(_ cascade: CascadeConfiguration, planner: CascadePlanner) {
        name = cascade.name
        thresholds = cascade.thresholds
        quality = cascade.quality(on: planner.problem.samples)
        stages = Self.stages(of: cascade, planner: planner, rate: planner.problem.arrivalRate)
    }

    /// The plan: every model in cascade order, the simulated stages and then the models the plan
    /// leaves without traffic (0 GPUs, no replicas), with its search.
    public init(plan served: CascadeServingPlan) {
        let plan = served.plan, problem = served.planner.problem
        name = served.cascade.name
        thresholds = plan.thresholds
        quality = plan.quality
        let used = Self.stages(of: served.cascade, planner: served.planner, rate: problem.arrivalRate)
        stages = used + plan.stages.dropFirst(used.count).map { stage in
            Stage(model: stage.model, gpus: 0, reachFraction: 0, arrivalRate: 0, p95LatencySeconds: 0, replicas: [])
        }
        search = CascadeSearchSummary(plan: plan, problem: problem)
    }
}
