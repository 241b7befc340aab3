import Foundation

/// A rule a number must satisfy.
public enum NumberRule: Sendable {
    /// Any finite number.
    case finite
    /// > 0.
    case positive
    /// ≥ 0.
    case nonNegative
    /// In [0, 1].
    case fraction
    /// Within a closed range.
    case range(ClosedRange<Double>)

    func violation(_ value: Double) -> String? {
        guard value.isFinite else { return "must be a finite number, got \(value)" }
        switch self {
        case .finite: return nil
        case .positive: return value > 0 ? nil : "must be > 0, got \(ConfigNode.format(value))"
        case .nonNegative: return value >= 0 ? nil : "must be >= 0, got \(ConfigNode.format(value))"
        case .fraction:
            return (0...1).contains(value) ? nil : "must be between 0 and 1, got \(ConfigNode.format(value))"
        case let .range(range):
            return range.contains(value) ? nil
                : "must be between \(ConfigNode.format(range.lowerBound)) and \(ConfigNode.format(range.upperBound)), got \(ConfigNode.format(value))"
        }
    }
}

/// A value in a scenario together with its key path, read with checks that report problems to a
/// shared `ScenarioDiagnostics` instead of stopping at the first one.
///
/// Every accessor returns nil after reporting when the value is missing or wrong, so a reader can
/// go on and collect all the problems of a file in one pass:
/// ```swift
/// let root = ConfigNode(value: try ConfigParser.parseFile(at: path), diagnostics: diagnostics)
/// if let scenario = root.object(allowedKeys: ["kind", "gpus"]) {
///     let gpus = scenario.require("gpus")?.integer(min: 1)
/// }
/// try diagnostics.throwIfAny()
/// ```
public struct ConfigNode: Sendable {
    /// The raw value.
    public let value: ConfigValue
    /// Its key path in the document.
    public let path: String
    /// Where problems go.
    public let diagnostics: ScenarioDiagnostics

    /// Problems after which unknown keys are reported without a "did you mean" hint.
    static let hintedProblems = 100

    /// The document root.
    public init(value: ConfigValue, diagnostics: ScenarioDiagnostics) {
        self.init(value: value, path: "", diagnostics: diagnostics)
    }

    init(value: ConfigValue, path: String, diagnostics: ScenarioDiagnostics) {
        self.value = value
        self.path = path
        self.diagnostics = diagnostics
    }

    /// Reports a problem at this node.
    public func report(_ message: String) { diagnostics.report(path, message) }

    // MARK: Structure

    /// This node as a mapping whose keys must all be in `allowedKeys`; unknown keys are reported
    /// with the nearest allowed names.
    public func object(allowedKeys: [String]) -> ConfigObject? {
        guard case let .object(entries) = value else {
            report("must be a mapping of keys to values, got \(value.typeName)")
            return nil
        }
        for (key, _) in entries where !allowedKeys.contains(key) {
            let child = path.isEmpty ? key : "\(path).\(key)"
            // Hints cost an edit distance per allowed key; past the first problems (of which only
            // 20 are printed) a file of thousands of unknown keys gets the bare message.
            let hint = diagnostics.issues.count < Self.hintedProblems ? NameSuggestion.hint(for: key, in: allowedKeys) : ""
            diagnostics.report(child, "unknown key" + hint)
        }
        return ConfigObject(entries: entries, path: path, diagnostics: diagnostics)
    }

    /// This node as a list; `nonEmpty` reports an empty list.
    public func list(nonEmpty: Bool = false) -> [ConfigNode]? {
        guard case let .array(items) = value else {
            report("must be a list, got \(value.typeName)")
            return nil
        }
        if nonEmpty && items.isEmpty {
            report("must not be empty")
            return nil
        }
        return items.enumerated().map { ConfigNode(value: $1, path: "\(path)[\($0)]", diagnostics: diagnostics) }
    }

    /// True when the value is a mapping (for fields that accept several shapes).
    public var isObject: Bool { if case .object = value { return true } else { return false } }
    /// True when the value is a list.
    public var isList: Bool { if case .array = value { return true } else { return false } }

    // MARK: Scalars

    /// A number satisfying `rule`. Numeric strings (YAML 1.1 reads `989e12` as a string) are accepted.
    public func number(_ rule: NumberRule = .finite) -> Double? {
        let parsed: Double?
        switch value {
        case let .number(number): parsed = number
        case let .string(text): parsed = Double(text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: ""))
        default: parsed = nil
        }
        guard let number = parsed else {
            report("must be a number, got \(describeValue())")
            return nil
        }
        if let problem = rule.violation(number) {
            report(problem)
            return nil
        }
        return number
    }

    /// A number satisfying `rule` and at most `max`; the error states the maximum
    /// ("must be <= 10000000, got 1e+15"). Use the bounds in `ScenarioMaxima`.
    public func number(_ rule: NumberRule = .finite, max: Double) -> Double? {
        guard let number = number(rule) else { return nil }
        return within(number, max: max)
    }

    /// A whole number within optional limits. Values beyond the limits are reported as such (with the
    /// limit), before the check that they are whole, so an integer is never formed from a value
    /// outside ±9·10¹⁵.
    public func integer(min: Int? = nil, max: Int? = nil) -> Int? {
        guard let number = number() else { return nil }
        if let max, number > Double(max) {
            report("must be <= \(max), got \(ConfigNode.format(number))")
            return nil
        }
        if let min, number < Double(min) {
            report("must be >= \(min), got \(ConfigNode.format(number))")
            return nil
        }
        guard number == number.rounded(), abs(number) < 9e15 else {
            report("must be a whole number, got \(ConfigNode.format(number))")
            return nil
        }
        return Int(number)
    }

    /// A non-empty string.
    public func string() -> String? {
        switch value {
        case let .string(text) where !text.isEmpty: return text
        case .string: report("must not be empty")
        case let .number(number): return ConfigNode.format(number)
        default: report("must be a string, got \(value.typeName)")
        }
        return nil
    }

    /// One of a fixed set of strings, with a suggestion when it is misspelt.
    public func choice(_ options: [String]) -> String? {
        guard let text = string() else { return nil }
        guard options.contains(text) else {
            report("unknown value '\(text)'" + NameSuggestion.hint(for: text, in: options)
                + "; expected one of: " + options.joined(separator: ", "))
            return nil
        }
        return text
    }

    /// true or false.
    public func bool() -> Bool? {
        guard case let .bool(flag) = value else {
            report("must be true or false, got \(describeValue())")
            return nil
        }
        return flag
    }

    /// A quantity with an optional unit suffix, converted to base units: `unitScale` maps each
    /// accepted suffix (case-insensitive) to its multiplier. Plain numbers are in base units.
    public func quantity(units unitScale: [String: Double], rule: NumberRule = .positive) -> Double? {
        if case .number = value { return number(rule) }
        guard case let .string(raw) = value else {
            report("must be a number or a quantity with a unit, got \(value.typeName)")
            return nil
        }
        let text = raw.replacingOccurrences(of: " ", with: "")
        // Exact suffixes first (so "Gb/s" is bits and "GB/s" bytes); otherwise the longest suffix
        // that matches ignoring case, if its lowercase spelling is unambiguous ("gb" for "GB").
        let suffixes = unitScale.keys.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
        let lowercaseCounts = Dictionary(grouping: suffixes, by: { $0.lowercased() }).mapValues(\.count)
        let loose = suffixes.first { text.lowercased().hasSuffix($0.lowercased()) }
        if let loose, suffixes.first(where: { text.hasSuffix($0) }) == nil, lowercaseCounts[loose.lowercased(), default: 0] > 1 {
            let spellings = suffixes.filter { $0.lowercased() == loose.lowercased() }.sorted()
            report("ambiguous unit in '\(raw)': write " + spellings.joined(separator: " or ")
                + " (upper-case B for bytes, lower-case b for bits)")
            return nil
        }
        if let suffix = suffixes.first(where: { text.hasSuffix($0) }) ?? loose {
            let digits = String(text.dropLast(suffix.count))
            guard let magnitude = Double(digits) else {
                report("cannot read '\(raw)' as a quantity: '\(digits)' is not a number")
                return nil
            }
            let scaled = magnitude * unitScale[suffix, default: 1]
            if let problem = rule.violation(scaled) {
                report(problem)
                return nil
            }
            return scaled
        }
        if Double(text) != nil { return number(rule) }
        report("cannot read '\(raw)' as a quantity; use a number or one of the units "
            + unitScale.keys.sorted().joined(separator: ", "))
        return nil
    }

    /// Bytes: a number, or a string such as `80GB`, `141e9`, `16GiB`.
    public func bytes(_ rule: NumberRule = .positive) -> Double? {
        quantity(units: ByteUnits.sizes, rule: rule)
    }

    /// Bytes per second: a number, or a string such as `3.35TB/s`, `900GB/s`, `400Gb/s` (bits).
    public func bytesPerSecond(_ rule: NumberRule = .positive) -> Double? {
        quantity(units: ByteUnits.rates, rule: rule)
    }

    /// Bytes at most `max` (e.g. `ScenarioMaxima.memoryBytes`); the error states the maximum.
    public func bytes(_ rule: NumberRule = .positive, max: Double) -> Double? {
        bytes(rule).flatMap { within($0, max: max) }
    }

    /// Bytes per second at most `max` (e.g. `ScenarioMaxima.rate`); the error states the maximum.
    public func bytesPerSecond(_ rule: NumberRule = .positive, max: Double) -> Double? {
        bytesPerSecond(rule).flatMap { within($0, max: max) }
    }

    /// `value`, or nil after reporting that it is above `max`.
    private func within(_ value: Double, max: Double) -> Double? {
        guard value <= max else {
            report("must be <= \(ConfigNode.format(max)), got \(ConfigNode.format(value))")
            return nil
        }
        return value
    }

    private func describeValue() -> String {
        switch value {
        case let .string(text): return "'\(text)'"
        case let .number(number): return ConfigNode.format(number)
        case let .bool(flag): return "\(flag)"
        default: return value.typeName
        }
    }

    /// A number as written by a person: integers without ".0".
    /// Values from 10¹⁵ on are written with an exponent (`8e+15`).
    public static func format(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        if value.isFinite && abs(value) >= 1e15 { return String(format: "%g", value) }
        return "\(value)"
    }
}

/// A mapping node whose keys have been checked.
public struct ConfigObject: Sendable {
    let entries: [(key: String, value: ConfigValue)]
    /// Key path of the mapping.
    public let path: String
    let diagnostics: ScenarioDiagnostics

    /// The value at `key`, or nil when absent (not an error).
    public subscript(key: String) -> ConfigNode? {
        guard let entry = entries.first(where: { $0.key == key }) else { return nil }
        if case .null = entry.value { return nil }
        return ConfigNode(value: entry.value, path: childPath(key), diagnostics: diagnostics)
    }

    /// Reports a problem at `key` of this mapping, present or not (e.g. a key that must be given
    /// unless another is).
    public func report(key: String, _ message: String) { diagnostics.report(childPath(key), message) }

    /// The value at `key`; reports "missing required key" when absent.
    public func require(_ key: String) -> ConfigNode? {
        guard let node = self[key] else {
            diagnostics.report(childPath(key), "missing required key")
            return nil
        }
        return node
    }

    /// True when `key` is present with a non-null value.
    public func has(_ key: String) -> Bool { self[key] != nil }

    /// The keys present, in file order.
    public var keys: [String] { entries.map(\.key) }

    /// Reports a problem with the mapping as a whole.
    public func report(_ message: String) { diagnostics.report(path, message) }

    private func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}

/// Unit suffixes for sizes and rates (decimal SI and binary IEC; `b` is bits).
enum ByteUnits {
    static let sizes: [String: Double] = [
        "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
        "KiB": 1024, "MiB": 1_048_576, "GiB": 1_073_741_824, "TiB": 1_099_511_627_776,
    ]
    static let rates: [String: Double] = [
        "B/s": 1, "KB/s": 1e3, "MB/s": 1e6, "GB/s": 1e9, "TB/s": 1e12,
        "Kb/s": 1e3 / 8, "Mb/s": 1e6 / 8, "Gb/s": 1e9 / 8, "Tb/s": 1e12 / 8,
        "Gbps": 1e9 / 8, "Mbps": 1e6 / 8,
    ]
}
