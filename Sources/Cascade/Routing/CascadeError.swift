/// A cascade problem the planner cannot solve as posed (bad input: the CLI exits 2 with `message`).
public struct CascadeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line saying what is wrong and, where known, what would work.
    public var message: String
    /// The scenario key the problem is about (e.g. `quality.target`), where there is one.
    public var keyPath: String?

    /// An error with `message`, about the scenario key `keyPath` when given.
    public init(_ message: String, at keyPath: String? = nil) {
        self.message = message
        self.keyPath = keyPath
    }

    /// The message after its key path (`quality.target: …`), as a scenario problem is printed.
    public var description: String { keyPath.map { "\($0): \(message)" } ?? message }
}
