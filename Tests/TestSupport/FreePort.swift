import InferenceAPI

/// Free TCP ports on 127.0.0.1 for the servers a test starts (`LocalPort` of InferenceAPI).
/// ```
/// let port = try FreePort.next()
/// ```
public enum FreePort {
    /// A port nothing listens on right now.
    public static func next() throws -> Int { try LocalPort.free() }

    /// `count` distinct free ports.
    public static func several(_ count: Int) throws -> [Int] { try LocalPort.several(count) }
}
