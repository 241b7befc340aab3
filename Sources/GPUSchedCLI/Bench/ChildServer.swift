import AsyncHTTPClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `gpusched` server a benchmark starts as a child process (a mock engine, the router): started
/// with this executable, waited for until its URL answers, stopped by its process id (SIGTERM, then
/// SIGKILL). Its output goes to /dev/null unless it fails to start.
///
/// ```swift
/// let engine = try await ChildServer.start(["mock-engine", "--port", "9001"], readyURL: "http://127.0.0.1:9001/health", client: client)
/// defer { engine.stop() }
/// ```
final class ChildServer: @unchecked Sendable {
    let process: Process
    private let errorFile: URL

    private init(process: Process, errorFile: URL) {
        self.process = process
        self.errorFile = errorFile
    }

    /// This executable (`/proc/self/exe`, else argv[0]).
    static var executable: URL {
        let link = URL(fileURLWithPath: "/proc/self/exe")
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: link.path) {
            return URL(fileURLWithPath: resolved)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0])
    }

    /// Starts `gpusched arguments…` and waits (at most `timeoutSeconds`) until `readyURL` answers 200.
    static func start(_ arguments: [String], readyURL: String, client: HTTPClient, timeoutSeconds: Double = 30) async throws -> ChildServer {
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("gpusched-child-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        let child = ChildServer(process: process, errorFile: errorFile)
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeoutSeconds * 1000))
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw CommandFailure("gpusched \(arguments.first ?? "") exited with \(process.terminationStatus): \(child.errorText)")
            }
            var request = HTTPClientRequest(url: readyURL)
            request.method = .GET
            if let response = try? await client.execute(request, timeout: .seconds(1)), response.status == .ok {
                _ = try? await response.body.collect(upTo: 1 << 16)
                return child
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        child.stop()
        throw CommandFailure("gpusched \(arguments.first ?? "") did not answer \(readyURL) within \(timeoutSeconds) s: \(child.errorText)")
    }

    /// The process id.
    var pid: Int32 { process.processIdentifier }

    /// What the child wrote on stderr (its last 2,000 bytes).
    var errorText: String {
        let text = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return String(text.suffix(2_000)).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Resident memory now and at its peak, bytes (from /proc/PID/status).
    var residentBytes: (now: Int, peak: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func kilobytes(_ key: String) -> Int? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return nil }
            return line.split(separator: " ").compactMap { Int($0) }.first
        }
        guard let now = kilobytes("VmRSS:"), let peak = kilobytes("VmHWM:") else { return nil }
        return (now * 1024, peak * 1024)
    }

    /// Stops it: SIGTERM, SIGKILL after 5 s.
    func stop() {
        if process.isRunning {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(pid, SIGKILL) }
        }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: errorFile)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
