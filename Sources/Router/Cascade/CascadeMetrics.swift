import Metrics

/// The cascade's metrics, through swift-metrics (the router's Prometheus factory exports them):
/// - `gpusched_cascade_answers_total{cascade, model, outcome}`: answers returned, by the stage
///   that gave them and how (`accepted`, `last`, `fallback`, `failed`);
/// - `gpusched_cascade_escalations_total{cascade, model, reason}`: stages whose answer was not
///   returned (`below-threshold`, `judge-error`, `upstream-error`);
/// - `gpusched_cascade_judge_seconds{cascade, judge}`: the judge's latency per call (a histogram);
/// - `gpusched_cascade_judge_errors_total{cascade, judge}`: judge calls that gave no score.
struct CascadeMetrics: Sendable {
    let cascade: String
    let judge: String

    func answered(model: String, outcome: CascadeAnswer.Outcome) {
        Counter(label: "gpusched_cascade_answers_total", dimensions: [("cascade", cascade), ("model", model), ("outcome", outcome.rawValue)])
            .increment()
    }

    func escalated(from model: String, reason: CascadeStep.Escalation) {
        Counter(label: "gpusched_cascade_escalations_total", dimensions: [("cascade", cascade), ("model", model), ("reason", reason.rawValue)])
            .increment()
    }

    func judged(seconds: Double, failed: Bool) {
        Timer(label: "gpusched_cascade_judge_seconds", dimensions: [("cascade", cascade), ("judge", judge)])
            .recordNanoseconds(Int64(max(0, seconds) * 1e9))
        if failed {
            Counter(label: "gpusched_cascade_judge_errors_total", dimensions: [("cascade", cascade), ("judge", judge)]).increment()
        }
    }
}
