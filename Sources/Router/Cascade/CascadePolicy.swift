import InferenceAPI

/// The cascade policy (Cascadia, arXiv 2506.04203) online: a request for the cascade's name goes to
/// the first stage's pool (non-streaming upstream), the answer is scored by the judge, and the
/// request escalates to the next stage while the score is below the stage's threshold. The client
/// gets one answer: the first accepted, or the last stage's.
///
/// - A stage that fails (no response, or a non-2xx status) escalates (`upstream-error`); a judge that
///   gives no score escalates too (`judge-error`). The last stage's answer is not judged.
/// - When the last stage reached fails, the client gets the latest answer an earlier stage gave
///   (`outcome` `fallback`); when no stage answered, the last stage's error response (or 502 when no
///   response came back at all).
///
/// ```swift
/// let policy = CascadePolicy(config: cascade, sender: pools, judge: ScoreFieldJudge(path: "gpusched_score"))
/// let answer = try await policy.answer(body: body, request: request, requestID: "r1")
/// answer.headers   // x-gpusched-cascade-stage, …-model, …-scores, x-gpusched-judge-seconds
/// ```
public struct CascadePolicy: Sendable {
    public let config: CascadeConfig
    let sender: any CompletionSending
    let judge: any CascadeJudging
    let metrics: CascadeMetrics

    public init(config: CascadeConfig, sender: any CompletionSending, judge: any CascadeJudging) {
        self.config = config
        self.sender = sender
        self.judge = judge
        metrics = CascadeMetrics(cascade: config.name, judge: judge.kind)
    }

    /// Runs the cascade for one client request (`body` its JSON, `request` as read from it).
    /// Throws 400 for a body that is not a JSON object, 502 when no stage gave any response.
    public func answer(body: [UInt8], request: CompletionRequest, requestID: String) async throws(InferenceAPIError) -> CascadeAnswer {
        var steps: [CascadeStep] = []
        var lastAnswer: (completion: UpstreamCompletion, stage: Int)?
        var lastFailure: UpstreamCompletion?
        var failureText = ""
        let clock = ContinuousClock()
        for (index, stage) in config.stages.enumerated() {
            let isLast = index == config.stages.count - 1
            let stageBody = try CascadeBody.stageBody(original: body, model: stage.model)
            let completion: UpstreamCompletion
            do {
                completion = try await sender.complete(
                    model: stage.model, endpoint: request.endpoint, body: stageBody, requestID: "\(requestID)-s\(index)")
            } catch {
                failureText = "stage \(index) (\(stage.model)): \(error)"
                steps.append(CascadeStep(model: stage.model, status: nil, score: nil, judgeSeconds: 0, escalation: .upstreamError))
                metrics.escalated(from: stage.model, reason: .upstreamError)
                continue
            }
            guard completion.succeeded else {
                lastFailure = completion
                failureText = "stage \(index) (\(stage.model)): HTTP \(completion.status)"
                steps.append(CascadeStep(model: stage.model, status: completion.status, score: nil, judgeSeconds: 0, escalation: .upstreamError))
                metrics.escalated(from: stage.model, reason: .upstreamError)
                continue
            }
            lastAnswer = (completion, index)
            if isLast {
                steps.append(CascadeStep(model: stage.model, status: completion.status, score: nil, judgeSeconds: 0, escalation: nil))
                return finish(completion, stage: index, outcome: .last, steps: steps)
            }
            let start = clock.now
            let score: Double?
            do {
                score = try await judge.score(question: request.promptText, response: completion.body, requestID: requestID)
            } catch {
                score = nil
            }
            let judgeSeconds = Self.seconds(start.duration(to: clock.now))
            metrics.judged(seconds: judgeSeconds, failed: score == nil)
            if let score, score >= stage.threshold {
                steps.append(CascadeStep(model: stage.model, status: completion.status, score: score, judgeSeconds: judgeSeconds, escalation: nil))
                return finish(completion, stage: index, outcome: .accepted, steps: steps)
            }
            let reason: CascadeStep.Escalation = score == nil ? .judgeError : .belowThreshold
            steps.append(CascadeStep(model: stage.model, status: completion.status, score: score, judgeSeconds: judgeSeconds, escalation: reason))
            metrics.escalated(from: stage.model, reason: reason)
        }
        if let lastAnswer { return finish(lastAnswer.completion, stage: lastAnswer.stage, outcome: .fallback, steps: steps) }
        if let lastFailure {
            return finish(lastFailure, stage: config.stages.count - 1, outcome: .failed, steps: steps)
        }
        metrics.answered(model: config.stages.last?.model ?? "", outcome: .failed)
        throw InferenceAPIError(
            status: 502, message: "cascade '\(config.name)': no stage answered (\(failureText))", type: "upstream_error",
            code: "cascade_failed")
    }

    private func finish(_ completion: UpstreamCompletion, stage: Int, outcome: CascadeAnswer.Outcome, steps: [CascadeStep]) -> CascadeAnswer {
        let model = config.stages[stage].model
        metrics.answered(model: model, outcome: outcome)
        return CascadeAnswer(completion: completion, stage: stage, model: model, outcome: outcome, steps: steps)
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}

/// One stage's part in a cascaded request.
public struct CascadeStep: Sendable, Hashable {
    /// Why a stage's answer was not the one returned.
    public enum Escalation: String, Sendable, Hashable {
        case belowThreshold = "below-threshold"
        case judgeError = "judge-error"
        case upstreamError = "upstream-error"
    }

    public var model: String
    /// The stage's HTTP status; nil when no response came back.
    public var status: Int?
    /// The judge's score; nil when the stage was not judged or the judge gave none.
    public var score: Double?
    public var judgeSeconds: Double
    /// Nil for the stage that answered.
    public var escalation: Escalation?
}
