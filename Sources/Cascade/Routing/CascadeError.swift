/// A cascade problem the planner cannot solve as posed (bad input: the CLI exits 2 with `message`).
public struct CascadeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line saying what is wrong and, where known, what would work.
    public var message: String

    /// An error with `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
