/// Settings of the gate-and-route policy (arXiv 2602.02987), from a `plan gate-route` plan or the
/// config: per class, the prefill-occupancy target of the LP, and how a request's class is found.
public struct GateRouteSettings: Sendable, Hashable {
    /// The classes in the plan's order.
    public var classes: [GateRouteClassSettings]
    /// The header that names a request's class (e.g. `x-gpusched-class`); requests without it are
    /// classed by prompt length.
    public var classHeader: String

    public init(classes: [GateRouteClassSettings], classHeader: String = "x-gpusched-class") {
        self.classes = classes
        self.classHeader = classHeader
    }
}

/// One gate-and-route class.
public struct GateRouteClassSettings: Sendable, Hashable {
    public var name: String
    /// Requests whose estimated prompt tokens are at most this belong to the class when no header
    /// names one (classes are tried in order; the last takes the rest).
    public var maxPromptTokens: Int?
    /// The LP's prefill-occupancy target x_i* per GPU.
    public var occupancyTarget: Double

    public init(name: String, maxPromptTokens: Int? = nil, occupancyTarget: Double) {
        self.name = name
        self.maxPromptTokens = maxPromptTokens
        self.occupancyTarget = occupancyTarget
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
    /// A numeric field of the stage's response body (a JSON path such as `gpusched_score`).
    case scoreField(String)
    /// An OpenAI-compatible judge: the prompt template (with `{question}` and `{answer}`) is sent to
    /// `model` at `url`, and the first number of its reply is the score.
    case endpoint(url: String, model: String, prompt: String, apiKey: String?)
}
