import GateAndRoute

/// Settings of the gate-and-route policy (arXiv 2602.02987), from a `plan gate-route` plan or the
/// config: per class, the LP's prefill-occupancy and queue targets, how a request's class is found,
/// and the per-backend limits of the gate.
///
/// ```swift
/// let settings = GateRouteSettings(classes: [
///     GateRouteClassSettings(name: "code", maxPromptTokens: 1_000, occupancyTarget: 0.01826, queueTarget: 0.3173),
///     GateRouteClassSettings(name: "summarize", occupancyTarget: 0.19495),
/// ], maxStreams: 16)
/// var policy = GateAndRoutePolicy(settings: settings)
/// ```
public struct GateRouteSettings: Sendable, Hashable {
    /// The classes in the plan's order.
    public var classes: [GateRouteClassSettings]
    /// The header that names a request's class (e.g. `x-gpusched-class`); requests without it are
    /// classed by prompt length.
    public var classHeader: String
    /// Prefills a backend may run at once: a backend is offered a new request only while its
    /// prefill occupancy (requests sent whose first token has not come back) is below this. 1 is the
    /// paper's engine (Sarathi-style chunked prefill: one prefill per GPU at a time).
    public var prefillSlots: Int
    /// Streams a backend may hold (the paper's B: its prefill plus decodes); nil leaves the cap to the
    /// engine's own batch limit.
    public var maxStreams: Int?
    /// What the ξ gate does with classes whose target x_i* is 0 (the paper's gate divides by it).
    public var zeroTarget: ZeroTargetAdmission
    /// Cluster-wide cap on concurrent prefills, nil for none (every backend may prefill).
    public var prefillLimit: GateRoutePrefillLimit?
    /// How long the policy keeps a held request in its per-class view when the pool never asks about it
    /// again (a request the pool dropped without telling the policy); the pool's queue timeout or more.
    public var staleHoldSeconds: Double

    public init(
        classes: [GateRouteClassSettings], classHeader: String = "x-gpusched-class", prefillSlots: Int = 1,
        maxStreams: Int? = nil, zeroTarget: ZeroTargetAdmission = .never, prefillLimit: GateRoutePrefillLimit? = nil,
        staleHoldSeconds: Double = 120
    ) {
        self.classes = classes
        self.classHeader = classHeader
        self.prefillSlots = prefillSlots
        self.maxStreams = maxStreams
        self.zeroTarget = zeroTarget
        self.prefillLimit = prefillLimit
        self.staleHoldSeconds = staleHoldSeconds
    }

    /// Σ_i x_i*: the LP's prefill occupancy per GPU.
    public var mixedFraction: Double { classes.reduce(0) { $0 + $1.occupancyTarget } }
}

/// One gate-and-route class.
public struct GateRouteClassSettings: Sendable, Hashable {
    public var name: String
    /// Requests whose estimated prompt tokens are at most this belong to the class when no header
    /// names one (classes are tried in order; a request longer than every bound takes the last class).
    public var maxPromptTokens: Int?
    /// The LP's prefill-occupancy target x_i* per GPU.
    public var occupancyTarget: Double
    /// The LP's prefill-queue target q_{p,i}* per GPU (the gate's tie-break δ_i = Q_i − n q_{p,i}*).
    public var queueTarget: Double

    public init(name: String, maxPromptTokens: Int? = nil, occupancyTarget: Double, queueTarget: Double = 0) {
        self.name = name
        self.maxPromptTokens = maxPromptTokens
        self.occupancyTarget = occupancyTarget
        self.queueTarget = queueTarget
    }
}

/// The static plan's cap on concurrent prefills, read live: at most M = ⌈m + κ√m⌉ (m = n Σ_i x_i*,
/// n the available backends) backends prefill at once, the paper's mixed-GPU count with the
/// square-root staffing κ of `simulate gate-route --staffing`.
public struct GateRoutePrefillLimit: Sendable, Hashable {
    /// κ ≥ 0 (0: the paper's M = ⌈n Σ_i x_i*⌉).
    public var staffing: Double

    public init(staffing: Double = 0) {
        self.staffing = staffing
    }

    /// M for `backends` backends and the prefill fraction Σ_i x_i* (at least 1, at most `backends`).
    public func mixedBackends(backends: Int, mixedFraction: Double) -> Int {
        let mean = Double(backends) * mixedFraction
        let exact = mean + staffing * mean.squareRoot()
        guard exact.isFinite else { return backends }
        return max(1, min(backends, Int((exact - 1e-9 * max(1, exact)).rounded(.up))))
    }
}

/// A cascade (Cascadia, arXiv 2506.04203): a request is answered by the first stage's pool; the
/// answer is scored by the judge, and escalated to the next stage while its score is below the
/// stage's threshold. The client gets one answer.
public struct CascadeConfig: Sendable, Hashable {
    /// The model name clients ask for.
    public var name: String
    public var stages: [CascadeStage]
    public var judge: JudgeConfig

    public init(name: String, stages: [CascadeStage], judge: JudgeConfig) {
        self.name = name
        self.stages = stages
        self.judge = judge
    }
}

/// One stage of a cascade: the pool that answers, and the score below which its answer escalates
/// (the last stage's threshold is ignored).
public struct CascadeStage: Sendable, Hashable {
    /// A pool's model.
    public var model: String
    public var threshold: Double

    public init(model: String, threshold: Double) {
        self.model = model
        self.threshold = threshold
    }
}

/// How a cascade scores an answer.
public enum JudgeConfig: Sendable, Hashable {
    /// A numeric field of the stage's response body, at a dotted JSON path such as `gpusched_score`
    /// or `choices.0.score`.
    case scoreField(String)
    /// An OpenAI-compatible judge endpoint.
    case endpoint(JudgeEndpoint)
}

/// An OpenAI-compatible judge: the prompt template, with `{question}` and `{answer}` replaced, is
/// sent as one user message to `model` at `url` (a `/v1/chat/completions` URL); the first number of
/// its reply is the score.
public struct JudgeEndpoint: Sendable, Hashable {
    public var url: String
    public var model: String
    public var prompt: String
    /// Sent as `Authorization: Bearer …`; never logged.
    public var apiKey: String?
    /// How long one judge call may take.
    public var timeoutSeconds: Double
    /// `max_tokens` of the judge's reply.
    public var maxTokens: Int

    /// The prompt of Cascadia's judge: a 0–100 score of the answer to the question.
    public static let defaultPrompt = """
        Rate the quality of the answer to the question on a scale from 0 to 100. Reply with the number only.

        Question: {question}

        Answer: {answer}
        """

    public init(
        url: String, model: String, prompt: String = JudgeEndpoint.defaultPrompt, apiKey: String? = nil,
        timeoutSeconds: Double = 30, maxTokens: Int = 16
    ) {
        self.url = url
        self.model = model
        self.prompt = prompt
        self.apiKey = apiKey
        self.timeoutSeconds = timeoutSeconds
        self.maxTokens = maxTokens
    }
}
