import Foundation

/// A fitted iteration-time law together with what it was measured on: model, GPU, engine and
/// where the numbers come from.
///
/// GPUSched ships the published calibrations in `builtin`; `gpusched calibrate` writes a user's
/// own as a JSON file. A scenario refers to either with one string, which `resolve(_:relativeTo:)`
/// turns into a calibration:
/// ```yaml
/// engine: {calibration: qwen3-8b-a100-vllm0.11}        # a built-in name
/// engine: {calibration: calibrations/my-h100.json}     # a file written by gpusched calibrate
/// ```
/// The file holds this type's JSON form:
/// ```json
/// {"name": "my-h100", "model": "qwen3-8b", "gpu": "H100-80GB", "engine": "vLLM 0.11.0",
///  "source": "...", "rSquared": 0.998,
///  "law": {"alpha": 0.0174, "beta": 6.2e-05, "gamma": 45.45}}
/// ```
/// where `law` gives either `c`, `a`, `b0` or `alpha`, `beta`, `gamma` (see `FittedIterationLaw`).
public struct Calibration: Sendable, Hashable, Codable {
    /// Unique name, e.g. `qwen3-8b-a100-vllm0.11`.
    public var name: String
    /// The model measured, by catalog name where there is one (e.g. `qwen3-8b`).
    public var model: String
    /// The GPU measured, by catalog name where there is one (e.g. `A100-40GB`).
    public var gpu: String
    /// Serving engine and version, e.g. `vLLM 0.11.0`.
    public var engine: String
    /// Where the numbers come from: a paper and table, or the measurements file.
    public var source: String
    /// The fitted law.
    public var law: FittedIterationLaw
    /// R² of the fit, when known.
    public var rSquared: Double?

    /// Creates a calibration.
    public init(
        name: String, model: String, gpu: String, engine: String, source: String, law: FittedIterationLaw,
        rSquared: Double? = nil
    ) {
        self.name = name
        self.model = model
        self.gpu = gpu
        self.engine = engine
        self.source = source
        self.law = law
        self.rSquared = rSquared
    }

    /// Writes every key, `rSquared` as null when unknown (the JSON contract: never omitted).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(model, forKey: .model)
        try container.encode(gpu, forKey: .gpu)
        try container.encode(engine, forKey: .engine)
        try container.encode(source, forKey: .source)
        try container.encode(law, forKey: .law)
        try container.encode(rSquared, forKey: .rSquared)
    }

    // MARK: Built-in calibrations

    /// The published calibrations: Lin, Han, Ding and Zhang, arXiv 2602.02987v1, §6.1, Table 3.
    /// One NVIDIA A100-SXM4-40GB per replica, vLLM 0.11.0 with chunked prefill. α and β are an
    /// OLS fit of the mean mixed-iteration time on the chunk size C; γ is the empirical mean
    /// decode rate in solo mode. The knee b0 = (1/γ − α)/β is derived (≈ 74 tokens for 8B,
    /// ≈ 106 for 4B); the paper does not state it.
    ///
    /// Model mapping: the paper says only "Qwen-8B" and "Qwen-4B". Qwen3 is the one Qwen family
    /// with both an 8B and a 4B dense model (Qwen2.5 has 7B and 3B; Qwen1.5 has 4B but no 8B),
    /// so these are taken to be Qwen3-8B and Qwen3-4B; the paper does not confirm it.
    public static let builtin: [Calibration] = [
        Calibration(
            name: "qwen3-8b-a100-vllm0.11", model: "qwen3-8b", gpu: "A100-40GB", engine: "vLLM 0.11.0",
            source: paperSource(model: "Qwen-8B"),
            law: FittedIterationLaw(alpha: 0.0174, beta: 6.2e-5, gamma: 45.45), rSquared: 0.998),
        Calibration(
            name: "qwen3-4b-a100-vllm0.11", model: "qwen3-4b", gpu: "A100-40GB", engine: "vLLM 0.11.0",
            source: paperSource(model: "Qwen-4B"),
            law: FittedIterationLaw(alpha: 0.0152, beta: 3.6e-5, gamma: 52.63), rSquared: 0.997),
    ]

    private static func paperSource(model: String) -> String {
        "Lin, Han, Ding, Zhang, arXiv 2602.02987v1, §6.1 Table 3 (\"\(model)\", taken to be Qwen3); "
            + "A100-SXM4-40GB, vLLM 0.11.0, chunked prefill"
    }

    /// The calibration with this name (case-insensitive) among `calibrations`, or nil.
    public static func named(_ name: String, in calibrations: [Calibration] = builtin) -> Calibration? {
        calibrations.first { $0.name.lowercased() == name.lowercased() }
    }

    /// The calibration with this name, or an error that suggests the nearest names.
    public static func require(named name: String, in calibrations: [Calibration] = builtin) throws(CalibrationError)
        -> Calibration
    {
        guard let found = named(name, in: calibrations) else {
            throw CalibrationError("unknown calibration '\(name)'" + NameSuggestion.hint(for: name, in: calibrations.map(\.name)))
        }
        return found
    }

    /// What a scenario's `calibration:` value refers to: a built-in name, or the path of a
    /// calibration file (a value ending in `.json` or containing `/`). A relative path is taken
    /// relative to `directory` (the scenario file's folder) when given.
    public static func resolve(_ reference: String, relativeTo directory: String? = nil) throws(CalibrationError)
        -> Calibration
    {
        if let found = named(reference) { return found }
        guard reference.hasSuffix(".json") || reference.contains("/") else {
            let hint = NameSuggestion.hint(for: reference, in: builtin.map(\.name))
            throw CalibrationError("unknown calibration '\(reference)'\(hint); give a built-in name ("
                + builtin.map(\.name).joined(separator: ", ") + ") or the path of a .json calibration file")
        }
        var path = reference
        if let directory, !reference.hasPrefix("/") {
            path = URL(fileURLWithPath: directory).appendingPathComponent(reference).path
        }
        return try load(path: path)
    }

    // MARK: Files

    /// The largest calibration file read: 1 MiB (one is a few hundred bytes).
    public static let maximumFileBytes = 1_048_576

    /// Reads a calibration file (this type's JSON form); its law is checked by
    /// `FittedIterationLaw.validationProblem`, so a law that would not make an iteration time is refused.
    public static func load(path: String) throws(CalibrationError) -> Calibration {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw CalibrationError("calibration file not found: \(path)")
        }
        if let size = CSVTable.fileSize(atPath: path), size > Int64(maximumFileBytes) {
            throw CalibrationError("\(path): not a calibration: \(size) bytes, over the limit of \(maximumFileBytes) bytes")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CalibrationError("cannot read calibration file \(path)")
        }
        let calibration: Calibration
        do {
            calibration = try JSONDecoder().decode(Calibration.self, from: data)
        } catch let error as DecodingError {
            throw CalibrationError("\(path): not a calibration: \(describe(error))")
        } catch {
            throw CalibrationError("\(path): not a calibration: \(error)")
        }
        if calibration.name.isEmpty { throw CalibrationError("\(path): not a calibration: name: must not be empty") }
        if let r2 = calibration.rSquared, !(r2.isFinite && r2 <= 1) {
            throw CalibrationError(
                "\(path): not a calibration: rSquared: must be a finite number <= 1, got \(ConfigNode.format(r2))")
        }
        return calibration
    }

    /// This calibration as pretty-printed JSON with sorted keys.
    public func jsonData() throws(CalibrationError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(self)
        } catch {
            throw CalibrationError("cannot encode calibration '\(name)': \(error)")
        }
    }

    /// Writes this calibration's JSON form to `path`, replacing any file there.
    public func write(to path: String) throws(CalibrationError) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CalibrationError("cannot write \(path): folder \(folder) does not exist")
        }
        var data = try jsonData()
        data.append(Data("\n".utf8))
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CalibrationError("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// A decoding error as one line with the key path.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = (codingPath + (last.map { [$0] } ?? [])).map(\.stringValue)
            return keys.isEmpty ? "" : keys.joined(separator: ".") + ": "
        }
        switch error {
        case let .keyNotFound(key, context):
            return path(context.codingPath, key) + "missing required key"
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            let names: [ObjectIdentifier: String] = [
                ObjectIdentifier(Double.self): "a number", ObjectIdentifier(String.self): "a string",
                ObjectIdentifier(Bool.self): "a boolean",
            ]
            return path(context.codingPath) + "expected " + (names[ObjectIdentifier(type)] ?? "\(type)")
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty { return "malformed JSON" }
            return path(context.codingPath) + context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }
}

/// A problem with measurements, a fit, or a calibration; `message` is one line.
public struct CalibrationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, e.g. "line 7: seconds must be > 0, got -1".
    public var message: String

    /// An error with this message.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
