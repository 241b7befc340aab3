import AsyncHTTPClient
import Foundation
import Hummingbird
import InferenceAPI
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `gpusched serve`: the OpenAI-compatible router. Listens on the config's address (127.0.0.1 unless
/// told otherwise) and answers `POST /v1/chat/completions`, `POST /v1/completions` (passed to a
/// backend of the model's pool, streams chunk by chunk), `GET /v1/models`, `/health`, `/ready` and
/// `/metrics`. Probes its backends, reloads its config on SIGHUP, and drains in-flight requests on
/// SIGTERM/SIGINT before it returns.
///
/// ```swift
/// let server = try RouterServer(config: config, makePolicy: PolicyFactory.make, reloadConfig: { try ServeConfigReader.read(path: path) })
/// try await server.run()
/// ```
public final class RouterServer: Sendable {
    let snapshot: Mutex<ServingSnapshot>
    let makePolicy: PolicyMaker
    let reloadConfig: (@Sendable () throws -> ServeConfig)?
    public let metrics: RouterMetrics
    let client: UpstreamClient
    let identity = RequestIdentity()
    let logger: Logger
    /// Requests held now (parsed and not answered, queued or in flight).
    let active = Atomic<Int>(0)
    /// Longest wait for in-flight requests on shutdown, seconds.
    let drainSeconds: Double
    /// Where it listens (the config's address when it started; a reload does not move it).
    public let listen: ListenAddress
    /// The running service group (nil before `run` and after it returns).
    let group = Mutex<ServiceGroup?>(nil)

    /// - Parameters:
    ///   - config: what to serve.
    ///   - makePolicy: each pool's routing policy.
    ///   - reloadConfig: reads the config again on SIGHUP (nil: SIGHUP is ignored).
    ///   - drainSeconds: the longest wait for in-flight requests on shutdown.
    /// - Throws: the policy maker's error for a pool it cannot build.
    public init(
        config: ServeConfig, makePolicy: @escaping PolicyMaker, reloadConfig: (@Sendable () throws -> ServeConfig)? = nil,
        logger: Logger = Logger(label: "gpusched.serve"), drainSeconds: Double = 30
    ) throws {
        let metrics = RouterMetrics()
        self.metrics = metrics
        self.makePolicy = makePolicy
        self.reloadConfig = reloadConfig
        self.logger = logger
        self.drainSeconds = drainSeconds
        self.listen = config.listen
        let client = UpstreamClient(timeouts: config.timeouts, maxConnectionsPerBackend: config.limits.maxConcurrentRequests)
        self.client = client
        snapshot = Mutex(try ServingSnapshot(config: config, makePolicy: makePolicy, metrics: metrics, client: client, logger: logger))
    }

    /// The pools served now.
    var current: ServingSnapshot { snapshot.withLock { $0 } }

    /// The pool of `model` now, if any.
    public func pool(model: String) -> BackendPool? { current.poolsByModel[model] }

    /// Runs until a graceful shutdown (one of `gracefulShutdownSignals`, or the task's
    /// cancellation): probes the backends once (unreachable ones start down, with a warning), then
    /// listens; on shutdown stops accepting, lets in-flight requests finish (at most `drainSeconds`)
    /// and returns.
    /// - Parameters:
    ///   - reloadOnHangup: reload the config on SIGHUP.
    /// - Throws: `RouterStartError` when the address is in use or cannot be bound.
    public func run(gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint], reloadOnHangup: Bool = true) async throws {
        await probeAll(current)
        let app = Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname(listen.host, port: listen.port), backlog: 4096),
            onServerRunning: { [logger, listen] _ in logger.info("listening", metadata: ["address": "\(listen)"]) },
            logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: HealthProber(server: self), successTerminationBehavior: .ignore)
        ]
        if reloadOnHangup, reloadConfig != nil {
            services.append(.init(service: HangupReloader(server: self), successTerminationBehavior: .ignore))
        }
        services.append(.init(service: app))
        var configuration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: gracefulShutdownSignals, logger: logger)
        configuration.maximumGracefulShutdownDuration = .milliseconds(Int64(drainSeconds * 1000))
        configuration.maximumCancellationDuration = .seconds(5)
        let serviceGroup = ServiceGroup(configuration: configuration)
        group.withLock { $0 = serviceGroup }
        defer {
            group.withLock { $0 = nil }
            for pool in current.pools { pool.rejectWaiting() }
        }
        do {
            try await serviceGroup.run()
        } catch {
            try? await client.shutdown()
            if let startError = Self.startError(error, listen: listen) { throw startError }
            throw error
        }
        try? await client.shutdown()
        logger.info("stopped")
    }

    /// Starts a graceful shutdown, as SIGTERM does: stop accepting, let in-flight requests finish,
    /// then `run` returns.
    public func shutdown() async {
        guard let serviceGroup = group.withLock({ $0 }) else { return }
        await serviceGroup.triggerGracefulShutdown()
    }

    /// A bind failure as one line, else nil.
    static func startError(_ error: any Error, listen: ListenAddress) -> RouterStartError? {
        guard let io = error as? IOError else { return nil }
        if io.errnoCode == EADDRINUSE { return RouterStartError("listen address \(listen) is already in use") }
        if io.errnoCode == EADDRNOTAVAIL || io.errnoCode == EACCES {
            return RouterStartError("cannot listen on \(listen): \(io.description)")
        }
        return nil
    }

    /// Reads the config again and swaps in new pools (probed first); requests in flight finish on
    /// their old pools. A config that cannot be read or built is logged and the old one kept.
    /// - Returns: true when the new config is in use.
    @discardableResult
    public func reload() async -> Bool {
        guard let reloadConfig else { return false }
        do {
            let config = try reloadConfig()
            let next = try ServingSnapshot(config: config, makePolicy: makePolicy, metrics: metrics, client: client, logger: logger)
            await probeAll(next)
            if config.listen != listen {
                logger.warning("the listen address changes only on restart", metadata: ["address": "\(listen)"])
            }
            snapshot.withLock { $0 = next }
            logger.info("config reloaded", metadata: ["pools": "\(next.pools.map(\.model))"])
            return true
        } catch {
            logger.error("config reload failed; keeping the running config", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Probes every backend of `serving` once, concurrently: `/health`, and `/metrics` where the
    /// backend's engine metrics are configured.
    func probeAll(_ serving: ServingSnapshot) async {
        let health = serving.config.health
        await withTaskGroup(of: Void.self) { group in
            for pool in serving.pools {
                for (index, target) in pool.targets.enumerated() {
                    group.addTask { [client] in
                        let probe = await BackendProbe.run(target, client: client, health: health)
                        pool.recordProbe(backend: index, healthy: probe.healthy, engine: probe.engine)
                    }
                }
            }
        }
    }
}
