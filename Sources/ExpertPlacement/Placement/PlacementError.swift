/// Input that makes a placement impossible or meaningless (a disconnected topology, too few
/// slots, statistics of the wrong shape), with the numbers that show it.
public struct PlacementError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
