/// Where long work announces its steps (the CLI prints them on stderr when stdout is a terminal).
/// ```
/// let progress = ProgressReporter { line in print("… \(line)") }
/// progress.say("simulating baseline 'uniform-gpus'")
/// ```
public struct ProgressReporter: Sendable {
    private let sink: (@Sendable (String) -> Void)?

    /// Reports every step to `sink`.
    public init(_ sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink
    }

    private init() {
        sink = nil
    }

    /// Reports nothing.
    public static let silent = ProgressReporter()

    /// True when steps go somewhere (so callers can skip building long messages).
    public var isEnabled: Bool { sink != nil }

    /// Announces one step.
    public func say(_ message: @autoclosure () -> String) {
        sink?(message())
    }
}
