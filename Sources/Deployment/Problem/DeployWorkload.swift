import ServingModel

/// A model's traffic: Poisson arrivals with length distributions, or a trace replayed at a scale.
///
/// The planner needs two things from it: a sample of (prompt, output) lengths for the capacity
/// model, and requests at any rate for the simulator (`requests(rate:horizon:seed:)`).
/// ```
/// let workload = DeployWorkload.synthetic(rate: 12, prompt: .fixed(1024), output: .fixed(256))
/// var source = workload.requests(rate: 24, horizon: 60, seed: 1)   // twice the traffic
/// ```
public enum DeployWorkload: Sendable {
    /// Poisson arrivals at `rate` requests per second.
    case synthetic(rate: Double, prompt: LengthDistribution, output: LengthDistribution)
    /// A recorded trace (arrival order), replayed `scale` times as fast.
    case trace(path: String, requests: [Request], scale: Double)

    /// Requests per second of the workload as given (a trace's requests over its span, times its scale).
    public var arrivalRate: Double {
        switch self {
        case let .synthetic(rate, _, _): return rate
        case let .trace(_, requests, scale): return Self.nativeRate(requests) * scale
        }
    }

    /// A trace's own rate: requests after the first over the span of arrivals.
    static func nativeRate(_ requests: [Request]) -> Double {
        guard let first = requests.first, let last = requests.last, last.arrivalTime > first.arrivalTime else {
            return Double(requests.count)
        }
        return Double(requests.count - 1) / (last.arrivalTime - first.arrivalTime)
    }

    /// Up to `count` (prompt, output) lengths: drawn with `seed` from the distributions, or the
    /// trace's requests spread evenly over the file.
    public func lengthSample(count: Int, seed: UInt64 = 7) -> [(prompt: Int, output: Int)] {
        switch self {
        case let .synthetic(_, prompt, output):
            var random = SeededRandom(seed: seed)
            return (0..<count).map { _ in (prompt.sample(&random), output.sample(&random)) }
        case let .trace(_, requests, _):
            guard requests.count > count else { return requests.map { ($0.promptTokens, $0.outputTokens) } }
            let step = Double(requests.count) / Double(count)
            return (0..<count).map { i in
                let request = requests[min(requests.count - 1, Int(Double(i) * step))]
                return (request.promptTokens, request.outputTokens)
            }
        }
    }

    /// The requests arriving within `horizon` seconds at `rate` requests per second: Poisson for a
    /// synthetic workload (seeded), the trace's arrivals compressed to that rate (and repeated if
    /// the horizon outlasts it) otherwise.
    public func requests(rate: Double, horizon: Double, seed: UInt64) -> any RequestSource {
        switch self {
        case let .synthetic(_, prompt, output):
            let single = RequestClass(name: "requests", arrivals: .poisson(rate: rate), promptTokens: prompt, outputTokens: output)
            return SyntheticWorkload(classes: [single], horizon: horizon, seed: seed)
        case let .trace(_, requests, _):
            return TraceWorkload(requests: Self.replay(requests, rate: rate, horizon: horizon))
        }
    }

    /// The trace's requests with arrival times rescaled to `rate`, starting at 0, looped until `horizon`.
    static func replay(_ requests: [Request], rate: Double, horizon: Double) -> [Request] {
        guard let first = requests.first, rate > 0 else { return [] }
        let factor = nativeRate(requests) / rate
        let span = (requests.last.map { $0.arrivalTime - first.arrivalTime } ?? 0) * factor + 1 / rate
        var out: [Request] = []
        var offset = 0.0
        while offset < horizon {
            for request in requests {
                let time = offset + (request.arrivalTime - first.arrivalTime) * factor
                guard time < horizon else { return out }
                out.append(Request(
                    id: out.count, classIndex: 0, arrivalTime: time, promptTokens: request.promptTokens,
                    outputTokens: request.outputTokens))
            }
            offset += span
        }
        return out
    }
}

/// One model to serve: its catalog entry, traffic and SLO.
public struct ModelDemand: Sendable {
    public var model: ModelSpec
    public var workload: DeployWorkload
    public var slo: DeploySLO

    public init(model: ModelSpec, workload: DeployWorkload, slo: DeploySLO) {
        self.model = model
        self.workload = workload
        self.slo = slo
    }

    /// The model's name.
    public var name: String { model.name }
}
