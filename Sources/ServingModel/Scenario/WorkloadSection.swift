import Foundation

/// Reads a scenario's `workload:` section: synthetic request classes or a trace to replay.
///
/// ```yaml
/// workload:
///   classes:
///     - {name: chat, arrivalRate: 20, promptTokens: {lognormal: {mean: 800, sd: 400}},
///        outputTokens: {exponential: {mean: 250}}}
///     - {name: code, arrivalRate: 5, burstiness: 2.0, promptTokens: 300,
///        outputTokens: {uniform: {min: 10, max: 500}}}
/// ```
/// or
/// ```yaml
/// workload:
///   trace: traces/code.csv     # relative to the scenario file's folder
///   timeScale: 0.5             # optional: multiplies every arrival time (0.5 = twice the rate)
/// ```
/// `arrivalRate` is in requests per second (at most 10⁶); `burstiness`, when given, makes the gaps
/// gamma-distributed with that coefficient of variation (1 is Poisson-like, 0 perfectly regular,
/// at most 100), otherwise arrivals are Poisson. Token lengths are at most 10 million. A length is a whole number (fixed) or one of
/// `{fixed: N}`, `{exponential: {mean}}`, `{lognormal: {mean, sd}}` (of the length, not its log),
/// `{uniform: {min, max}}` and `{empirical: FILE}` (one length per line, or the matching
/// prompt/output column of a trace file; relative to the scenario's folder).
public enum WorkloadSection {
    /// Keys of the section.
    public static let keys = ["classes", "trace", "timeScale"]
    /// Keys of a request class.
    public static let classKeys = ["name", "arrivalRate", "burstiness", "promptTokens", "outputTokens"]
    /// Length distribution families, as written in a scenario.
    public static let families = ["fixed", "exponential", "lognormal", "uniform", "empirical"]

    /// The workload, or nil after reporting every problem to the node's diagnostics.
    /// - Parameter baseDirectory: the folder relative file names are resolved against.
    public static func read(_ node: ConfigNode, baseDirectory: String) -> Workload? {
        guard let section = node.object(allowedKeys: keys) else { return nil }
        switch (section["classes"], section["trace"]) {
        case let (classes?, nil):
            if let timeScale = section["timeScale"] { timeScale.report("applies only to a trace") }
            return readClasses(classes, baseDirectory: baseDirectory).map { .synthetic($0) }
        case let (nil, trace?):
            return readTrace(trace, timeScale: section["timeScale"], baseDirectory: baseDirectory)
        case (.some, .some):
            section.report("give either 'classes' or 'trace', not both")
        case (nil, nil):
            section.report("missing 'classes' (synthetic requests) or 'trace' (a trace file to replay)")
        }
        return nil
    }

    private static func readClasses(_ node: ConfigNode, baseDirectory: String) -> [RequestClass]? {
        guard let items = node.list(nonEmpty: true) else { return nil }
        var classes: [RequestClass] = []
        var firstPathByName: [String: String] = [:]
        var failed = false
        for item in items {
            guard let entry = item.object(allowedKeys: classKeys) else {
                failed = true
                continue
            }
            let name = entry.require("name")?.string()
            if let name, let nameNode = entry["name"] {
                if let earlier = firstPathByName[name] {
                    nameNode.report("duplicate class name '\(name)' (also at \(earlier))")
                    failed = true
                }
                firstPathByName[name] = firstPathByName[name] ?? nameNode.path
            }
            let arrivals = readArrivals(entry)
            let prompt = entry.require("promptTokens").flatMap { readLength($0, field: .prompt, baseDirectory: baseDirectory) }
            let output = entry.require("outputTokens").flatMap { readLength($0, field: .output, baseDirectory: baseDirectory) }
            guard let name, let arrivals, let prompt, let output else {
                failed = true
                continue
            }
            classes.append(RequestClass(name: name, arrivals: arrivals, promptTokens: prompt, outputTokens: output))
        }
        return failed ? nil : classes
    }

    /// Poisson at `arrivalRate`, or gamma gaps when `burstiness` (their coefficient of variation) is given.
    private static func readArrivals(_ entry: ConfigObject) -> ArrivalProcess? {
        let rate = entry.require("arrivalRate")?.number(.positive, max: ScenarioMaxima.arrivalRate)
        guard let burstinessNode = entry["burstiness"] else { return rate.map { .poisson(rate: $0) } }
        let cv = burstinessNode.number(.nonNegative, max: ScenarioMaxima.burstiness)
        guard let rate, let cv else { return nil }
        return .gamma(rate: rate, cv: cv)
    }

    /// A length distribution: a whole number, or a mapping with exactly one family (the forms a
    /// request class's `promptTokens` and `outputTokens` take); nil after reporting problems.
    ///
    /// Lengths, means and standard deviations are at most `ScenarioMaxima.tokens` (10 million).
    public static func readLength(_ node: ConfigNode, field: TokenField, baseDirectory: String) -> LengthDistribution? {
        let maxTokens = ScenarioMaxima.tokens
        let tokens = Double(maxTokens)
        guard node.isObject else {
            switch node.value {
            case .number: return node.integer(min: 1, max: maxTokens).map { .fixed($0) }
            case let .string(text) where Double(text.trimmingCharacters(in: .whitespaces)) != nil:
                return node.integer(min: 1, max: maxTokens).map { .fixed($0) }
            default: break
            }
            node.report("must be a whole number of tokens or a mapping with one of: " + families.joined(separator: ", "))
            return nil
        }
        guard let object = node.object(allowedKeys: families) else { return nil }
        let given = object.keys.filter { families.contains($0) }
        guard given.count == 1, let family = given.first else {
            if given.count > 1 {
                object.report("give one distribution, got " + given.joined(separator: " and "))
            } else if object.keys.isEmpty {
                object.report("missing distribution; give one of: " + families.joined(separator: ", "))
            }
            return nil
        }
        guard let parameters = object.require(family) else { return nil }
        switch family {
        case "fixed":
            return parameters.integer(min: 1, max: maxTokens).map { .fixed($0) }
        case "exponential":
            guard let mean = parameters.object(allowedKeys: ["mean"])?.require("mean")?.number(.positive, max: tokens)
            else { return nil }
            return .exponential(mean: mean)
        case "lognormal":
            guard let shape = parameters.object(allowedKeys: ["mean", "sd"]) else { return nil }
            let mean = shape.require("mean")?.number(.positive, max: tokens)
            let sd = shape.require("sd")?.number(.nonNegative, max: tokens)
            guard let mean, let sd else { return nil }
            return .lognormal(mean: mean, sd: sd)
        case "uniform":
            guard let range = parameters.object(allowedKeys: ["min", "max"]) else { return nil }
            let low = range.require("min")?.integer(min: 1, max: maxTokens)
            let high = range.require("max")?.integer(min: 1, max: maxTokens)
            guard let low, let high else { return nil }
            guard low <= high else {
                range["max"]?.report("must be >= min (\(low)), got \(high)")
                return nil
            }
            return .uniform(min: low, max: high)
        default:  // empirical
            guard let file = parameters.string() else { return nil }
            do {
                let lengths = try LengthFile.load(path: resolve(file, in: baseDirectory), label: parameters.path)
                return .empirical(lengths.lengths(field))
            } catch {
                report(error, at: parameters)
                return nil
            }
        }
    }

    private static func readTrace(_ node: ConfigNode, timeScale: ConfigNode?, baseDirectory: String) -> Workload? {
        let scale = timeScale?.number(.positive, max: ScenarioMaxima.seconds)
        guard let file = node.string() else { return nil }
        let path = resolve(file, in: baseDirectory)
        var classNames: [String] = []
        let loaded: [Request]
        do {
            loaded = try TraceWorkload.load(path: path, classNames: &classNames, label: node.path)
        } catch {
            report(error, at: node)
            return nil
        }
        if timeScale != nil && scale == nil { return nil }
        let requests = loaded.map { request in
            var scaled = request
            scaled.arrivalTime *= scale ?? 1
            return scaled
        }
        return .trace(path: path, requests: requests, classNames: classNames)
    }

    /// `file` itself when absolute, otherwise relative to `directory`.
    private static func resolve(_ file: String, in directory: String) -> String {
        file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
    }

    /// Passes a file reader's issues on (their paths already start with the node's).
    private static func report(_ error: Error, at node: ConfigNode) {
        guard let error = error as? ScenarioError else {
            node.report("\(error)")
            return
        }
        for issue in error.issues { node.diagnostics.report(issue.path, issue.message) }
    }
}
