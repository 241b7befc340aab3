/// Why `gpusched serve` could not start: one line, bad input (exit 2).
public struct RouterStartError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
