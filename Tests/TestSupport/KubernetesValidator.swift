import Foundation

/// The Kubernetes manifests' independent check: kubernetes-validate (PyPI, installed into
/// `.deps/kubernetes-validate` by `make test`), which validates each object of a YAML stream
/// against the JSON schemas of a Kubernetes release that it bundles; and PyYAML (its dependency)
/// as an independent parser of the stream.
/// ```
/// let result = try KubernetesValidator.validate(file: path)   // exit code 0 when every object validates
/// let objects = try KubernetesValidator.objects(inYAMLFile: path)
/// ```
public enum KubernetesValidator {
    /// The installed package's folder.
    public static let folder = Repository.root.appendingPathComponent(".deps/kubernetes-validate")

    /// Whether the validator is installed.
    public static var isInstalled: Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent("kubernetes_validate/__main__.py").path)
    }

    /// What a test says when the validator is missing.
    public static let missingMessage =
        "kubernetes-validate is not installed in .deps/kubernetes-validate: `make test` installs it (scripts/install-kubernetes-validate.sh)"

    /// Throws (so the calling test fails, saying how to install it) when the validator is missing.
    public static func requireInstalled() throws {
        guard isInstalled else { throw ValidatorFailure(message: missingMessage) }
    }

    /// `kubernetes-validate --strict FILE`: exit code and output (one line per object: INFO passed,
    /// ERROR did not validate, WARN no schema for its kind).
    public static func validate(file: String) throws -> CLIRunner.Output {
        try python(["-m", "kubernetes_validate", "--strict", file])
    }

    /// Every document of the YAML stream in `path`, parsed by PyYAML and handed over as JSON.
    public static func objects(inYAMLFile path: String) throws -> [[String: Any]] {
        let script = "import json, sys, yaml; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d is not None]))"
        let result = try python(["-c", script, path])
        guard result.exitCode == 0 else { throw ValidatorFailure(message: "PyYAML could not parse \(path): \(result.stdout)") }
        guard let objects = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] else {
            throw ValidatorFailure(message: "the YAML stream in \(path) is not a list of objects")
        }
        return objects
    }

    /// A failure of the validator itself.
    public struct ValidatorFailure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }

        public init(message: String) {
            self.message = message
        }
    }

    private static func python(_ arguments: [String]) throws -> CLIRunner.Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = folder.path
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let (stdout, stderr) = PipeReader.readBoth(out, err)
        process.waitUntilExit()
        return CLIRunner.Output(
            exitCode: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}
