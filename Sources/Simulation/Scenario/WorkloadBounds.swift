import ServingModel

/// Sane maxima of a simulated workload, checked where the scenario is read so that no length
/// reaches the simulator's 32-bit token counters or makes one request decode for days.
public enum WorkloadBounds {
    /// Most tokens in a prompt or an output (ten times the longest context of the catalog's models).
    public static let maxTokens = 10_000_000

    /// Reports every prompt or output length of `workload` above `maxTokens`; `path` is the
    /// section's key path (`workload`).
    static func check(_ workload: Workload, at path: String, diagnostics: ScenarioDiagnostics) {
        switch workload {
        case let .synthetic(classes):
            for (index, requestClass) in classes.enumerated() {
                let base = "\(path).classes[\(index)]"
                for (key, lengths) in [("promptTokens", requestClass.promptTokens), ("outputTokens", requestClass.outputTokens)] {
                    if let (what, value) = largest(lengths), value > Double(maxTokens) {
                        diagnostics.report(
                            "\(base).\(key)", "\(what) must be <= \(maxTokens) tokens, got \(ConfigNode.plain(value))")
                    }
                }
            }
        case let .trace(_, requests, _):
            if let request = requests.first(where: { max($0.promptTokens, $0.outputTokens) > maxTokens }) {
                let (field, value) = request.promptTokens > maxTokens
                    ? ("prompt", request.promptTokens) : ("output", request.outputTokens)
                diagnostics.report(
                    "\(path).trace", "request \(request.id + 1) has \(value) \(field) tokens; at most \(maxTokens) are allowed")
            }
        }
    }

    /// The figure of a length distribution that bounds its typical sizes, and its name.
    private static func largest(_ lengths: LengthDistribution) -> (String, Double)? {
        switch lengths {
        case let .fixed(length): return ("the length", Double(length))
        case let .uniform(_, high): return ("uniform max", Double(high))
        case let .exponential(mean), let .lognormal(mean, _): return ("the mean", mean)
        case let .empirical(values): return values.max().map { ("every length of the file", Double($0)) }
        }
    }
}
