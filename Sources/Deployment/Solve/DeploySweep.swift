import Foundation
import Planning

/// A what-if sweep: one SLO target set to evenly spaced values for every model, the plan
/// re-solved at each, the cost (or, under max-rate, the scale) traced against it.
///
/// Written `slo.ttft.p90=0.3:2.0:8` (target, percentile, from, to, points).
/// ```
/// let sweep = try DeploySweep(parsing: "slo.tpot.p90=0.01:0.05:5")
/// let points = try sweep.run(problem: problem, planner: DeployPlanner(), context: PlanningContext())
/// ```
public struct DeploySweep: Sendable, Hashable {
    public var target: SLOTarget
    public var quantile: Double
    public var values: [Double]

    /// Most points one sweep may plan.
    public static let maximumPoints = 50

    /// Parses `slo.<ttft|tpot>.p<NN>=<from>:<to>:<points>`; bad input names what is wrong.
    public init(parsing text: String) throws(PlanningError) {
        let usage = "--sweep: expected slo.ttft.pNN=FROM:TO:POINTS or slo.tpot.pNN=FROM:TO:POINTS, e.g. slo.ttft.p90=0.3:2.0:8"
        let halves = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard halves.count == 2 else { throw .badInput(usage + "; got '\(text)'") }
        let key = halves[0].split(separator: ".").map(String.init)
        guard key.count == 3, key[0] == "slo" else { throw .badInput(usage + "; got key '\(halves[0])'") }
        guard let target = SLOTarget(rawValue: key[1]) else {
            throw .badInput("--sweep: unknown target '\(key[1])'; give ttft or tpot")
        }
        guard key[2].hasPrefix("p"), let level = Double(key[2].dropFirst()), (50...99.9).contains(level) else {
            throw .badInput("--sweep: '\(key[2])' is not a percentile p50 … p99.9")
        }
        let range = halves[1].split(separator: ":").map(String.init)
        guard range.count == 3, let from = Double(range[0]), let to = Double(range[1]), let points = Int(range[2]) else {
            throw .badInput(usage + "; got range '\(halves[1])'")
        }
        guard from > 0, to > 0, from.isFinite, to.isFinite, to <= 3600, from <= 3600 else {
            throw .badInput("--sweep: targets must be seconds in (0, 3600], got \(range[0]) and \(range[1])")
        }
        guard (2...Self.maximumPoints).contains(points) else {
            throw .badInput("--sweep: points must be between 2 and \(Self.maximumPoints), got \(points)")
        }
        self.target = target
        quantile = level / 100
        values = (0..<points).map { from + (to - from) * Double($0) / Double(points - 1) }
    }

    /// One point of the front.
    public struct Point: Sendable, Hashable, Codable {
        /// The target's value (seconds).
        public var value: Double
        /// `optimal`, `time-limit`, …, or `infeasible` (with the reason in `message`).
        public var status: String
        @Nullable public var costPerHour: Double?
        @Nullable public var gpus: Int?
        @Nullable public var scale: Double?
        public var certified: Bool
        /// True when no other point is at least as tight and at least as good.
        public var pareto: Bool
        @Nullable public var message: String?
    }

    /// The problem with every model's target set to `value`.
    public func problem(_ problem: DeployProblem, value: Double) -> DeployProblem {
        var copy = problem
        for m in copy.models.indices {
            switch target {
            case .ttft:
                copy.models[m].slo.ttftQuantile = quantile
                copy.models[m].slo.ttftSeconds = value
            case .tpot:
                copy.models[m].slo.tpotQuantile = quantile
                copy.models[m].slo.tpotSeconds = value
            }
        }
        return copy
    }

    /// Plans every point; an infeasible point is a point of the front (with its reason), not an error.
    public func run(
        problem: DeployProblem, planner: DeployPlanner, verifier: (DeployProblem) -> (any PlanVerifier)?, context: PlanningContext
    ) throws(PlanningError) -> [Point] {
        var points: [Point] = []
        for value in values {
            context.progress.say("sweep: \(target.rawValue) p\(String(format: "%g", quantile * 100)) = \(String(format: "%.4g", value)) s")
            let variant = self.problem(problem, value: value)
            var planner = planner
            planner.verifier = verifier(variant)
            do {
                let planned = try planner.plan(variant, context: context)
                points.append(Point(
                    value: value, status: planned.solve.status.rawValue, costPerHour: planned.plan.costPerHour,
                    gpus: planned.plan.totalGPUs, scale: planned.plan.scale,
                    certified: planned.plan.certified, pareto: false, message: nil))
            } catch let error where error.cause == .badInput {
                points.append(Point(
                    value: value, status: "infeasible", costPerHour: nil, gpus: nil, scale: nil, certified: false, pareto: false,
                    message: error.description))
            }
        }
        let maximising = problem.objective == .maxRate
        for i in points.indices where points[i].status != "infeasible" {
            let mine = maximising ? -(points[i].scale ?? 0) : (points[i].costPerHour ?? Double(points[i].gpus ?? 0))
            points[i].pareto = !points.indices.contains { j in
                guard j != i, points[j].status != "infeasible" else { return false }
                let other = maximising ? -(points[j].scale ?? 0) : (points[j].costPerHour ?? Double(points[j].gpus ?? 0))
                return points[j].value <= points[i].value && other <= mine && (points[j].value < points[i].value || other < mine)
            }
        }
        return points
    }
}
