import Foundation

/// Runs the built `gpusched` executable and captures its output.
/// ```
/// let output = try CLIRunner.run(["validate", Repository.example("gate-route.yaml")])
/// #expect(output.exitCode == 0)
/// ```
public enum CLIRunner {
    /// A finished run: exit code and what it printed.
    public struct Output: Sendable {
        public var exitCode: Int32
        public var stdout: String
        public var stderr: String
        public var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }

        public init(exitCode: Int32, stdout: String, stderr: String) {
            self.exitCode = exitCode
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// The executable built next to the test bundle (`swift build --build-tests` builds both).
    public static let executable: URL = {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("gpusched")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return Repository.root.appendingPathComponent(".build/debug/gpusched")
    }()

    /// Runs `gpusched arguments…` (in `workingDirectory` when given) and waits for it.
    public static func run(_ arguments: [String], workingDirectory: URL? = nil) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let (stdoutData, stderrData) = PipeReader.readBoth(out, err)
        process.waitUntilExit()
        return Output(
            exitCode: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }
}
