import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Runs an async body from a synchronous `ParsableCommand.run()` (the CLI's root is synchronous):
/// the body runs in a task while the calling thread waits on a semaphore, and its error is rethrown
/// on that thread, so `CommandLineEntry` maps it to an exit code like any other.
///
/// The first call makes SwiftNIO's event loops Swift concurrency's global executor (the live
/// commands are network servers and clients: a task then runs on the loop its sockets use, instead
/// of hopping to the cooperative pool and back on every read and write).
///
/// ```swift
/// func run() throws {
///     try AsyncCommandBridge.run { try await server.run() }
/// }
/// ```
public enum AsyncCommandBridge {
    /// Runs `body` to its end and returns its value, or rethrows its error.
    public static func run<Value: Sendable>(_ body: @escaping @Sendable () async throws -> Value) throws -> Value {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let outcome = Mutex<Result<Value, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let result: Result<Value, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        // The task stored its result before it signalled.
        guard let result = outcome.withLock({ $0 }) else { throw CancellationError() }
        return try result.get()
    }
}
