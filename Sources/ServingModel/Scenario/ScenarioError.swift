import Foundation

/// One problem found in a scenario, at a key path such as `classes[1].arrivalRate`.
public struct ScenarioIssue: Sendable, Hashable, CustomStringConvertible {
    /// Dotted key path with list indices; empty for a problem with the whole file.
    public var path: String
    /// What is wrong, e.g. "must be > 0, got -0.5".
    public var message: String

    /// Creates an issue.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`, one line.
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Every problem found in a scenario. The CLI prints one line per issue and exits with code 2.
public struct ScenarioError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems, in the order they were found.
    public var issues: [ScenarioIssue]

    /// Creates an error from its issues.
    public init(issues: [ScenarioIssue]) { self.issues = issues }

    /// An error with a single issue.
    public init(path: String, _ message: String) { self.issues = [ScenarioIssue(path: path, message: message)] }

    /// One line per issue.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Collects issues while a scenario is read, so that one run reports all of them. Safe to share
/// between threads: the issues are only read and written under a lock (hence `@unchecked`).
///
/// ```swift
/// let diagnostics = ScenarioDiagnostics()
/// diagnostics.report("workload.classes[0].arrivalRate", "must be > 0, got -1")
/// try diagnostics.throwIfAny()   // throws a ScenarioError with that one issue
/// ```
public final class ScenarioDiagnostics: @unchecked Sendable {
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var recorded: [ScenarioIssue] = []

    /// The issues so far.
    public var issues: [ScenarioIssue] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    /// An empty collector.
    public init() {}

    /// Records a problem.
    public func report(_ path: String, _ message: String) {
        let issue = ScenarioIssue(path: path, message: message)
        lock.lock()
        defer { lock.unlock() }
        recorded.append(issue)
    }

    /// The error a reader throws when it cannot build its value: every issue so far. Readers report
    /// before they give up; should one not have, the error still names `path` instead of passing silently.
    public func failure(at path: String = "") -> ScenarioError {
        let issues = self.issues
        return issues.isEmpty ? ScenarioError(path: path, "could not be read (no detail was reported)") : ScenarioError(issues: issues)
    }

    /// Throws a `ScenarioError` with every issue, if there is any.
    public func throwIfAny() throws {
        let issues = self.issues
        if !issues.isEmpty { throw ScenarioError(issues: issues) }
    }
}
