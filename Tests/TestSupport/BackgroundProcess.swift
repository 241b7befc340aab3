import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A `gpusched` server started by a test (`serve`, `mock-engine`): its output goes to temporary
/// files, `waitUntilReady` polls a URL until it answers, and `stop` ends it by its process id
/// (SIGTERM, then SIGKILL after a grace period). Stopping is also done on deinit, so a failing test
/// leaves nothing running.
/// ```
/// let engine = try BackgroundProcess.start(["mock-engine", "--model", "llama-3.1-8b", "--gpu", "H100-80GB", "--port", "\(port)"])
/// try engine.waitUntilReady(url: "http://127.0.0.1:\(port)/health")
/// defer { engine.stop() }
/// ```
public final class BackgroundProcess: @unchecked Sendable {
    public struct NotReady: Error, CustomStringConvertible {
        public var description: String
    }

    public let process: Process
    public let stdoutURL: URL
    public let stderrURL: URL

    private init(process: Process, stdoutURL: URL, stderrURL: URL) {
        self.process = process
        self.stdoutURL = stdoutURL
        self.stderrURL = stderrURL
    }

    /// Starts `gpusched arguments…` in the background.
    public static func start(_ arguments: [String], environment: [String: String]? = nil) throws -> BackgroundProcess {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gpusched-bg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let stdoutURL = folder.appendingPathComponent("stdout")
        let stderrURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
        return BackgroundProcess(process: process, stdoutURL: stdoutURL, stderrURL: stderrURL)
    }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }

    /// What it printed on stdout so far.
    public var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    /// What it printed on stderr so far.
    public var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Polls `url` (GET) until it answers with a 2xx status, for at most `timeout` seconds.
    /// - Throws: `NotReady` (with the process's stderr) when it exits or the time runs out.
    public func waitUntilReady(url: String, timeout: Double = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard process.isRunning else {
                throw NotReady(description: "exited with \(process.terminationStatus) before \(url) answered: \(stderr)")
            }
            if Self.answers(url) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw NotReady(description: "\(url) did not answer within \(timeout) s: \(stderr)")
    }

    /// Sends `signal` to the process (e.g. SIGHUP to reload).
    public func send(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Stops it: SIGTERM, then SIGKILL when it is still running after `grace` seconds. Returns its
    /// exit status (or the signal's number when it was killed).
    @discardableResult
    public func stop(grace: Double = 5) -> Int32 {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(grace)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
            }
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Ends it at once with SIGKILL (a crashed backend).
    public func kill9() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    private static func answers(_ url: String) -> Bool {
        guard let target = URL(string: url) else { return false }
        var request = URLRequest(url: target)
        request.timeoutInterval = 1
        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var ok = false
        let task = URLSession.shared.dataTask(with: request) { _, response, _ in
            if let response = response as? HTTPURLResponse, (200..<300).contains(response.statusCode) { ok = true }
            semaphore.signal()
        }
        task.resume()
        _ = semaphore.wait(timeout: .now() + 2)
        return ok
    }
}
