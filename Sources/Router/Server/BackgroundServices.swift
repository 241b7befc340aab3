import ServiceLifecycle
import UnixSignals

/// Probes the backends every `HealthSettings.intervalSeconds` until a graceful shutdown.
struct HealthProber: Service {
    let server: RouterServer

    func run() async throws {
        let server = self.server
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let serving = server.current
                try await Task.sleep(for: .milliseconds(Int64(max(0.05, serving.config.health.intervalSeconds) * 1000)))
                await server.probeAll(server.current)
            }
        }
    }
}

/// Reloads the config on each SIGHUP until a graceful shutdown.
struct HangupReloader: Service {
    let server: RouterServer

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() {
            await server.reload()
        }
    }
}
