import Foundation

/// A mutex around a closure (Foundation's `NSLock`, usable on Linux and macOS 13).
final class Lock: @unchecked Sendable {
    private let lock = NSLock()

    func withLock<Value>(_ body: () throws -> Value) rethrows -> Value {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
