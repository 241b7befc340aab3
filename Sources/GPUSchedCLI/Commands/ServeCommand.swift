import ArgumentParser
import Foundation
import Logging
import Router

/// `gpusched serve CONFIG.yaml [--plan PLAN.json] [--listen HOST:PORT] [--log-level LEVEL]`: the
/// OpenAI-compatible router in front of engines, until SIGTERM/SIGINT (in-flight requests drain,
/// exit 0); SIGHUP reads the config (and plan) again.
///
/// ```
/// gpusched serve examples/serve.yaml --listen 127.0.0.1:8000
/// ```
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the OpenAI-compatible router that enforces a plan in front of engines.",
        discussion: """
            Endpoints: POST /v1/chat/completions, POST /v1/completions, GET /v1/models, /health, \
            /ready, /metrics. SIGHUP reloads the config; SIGTERM/SIGINT drain in-flight requests and \
            exit 0. Binds 127.0.0.1 unless the config or --listen says otherwise.

            Examples:
              gpusched serve examples/serve.yaml
              gpusched serve serve.yaml --plan routing.json --listen 0.0.0.0:8000 --log-level debug
            """)

    @Argument(help: "The serve config (kind: serve, YAML or JSON); optional with --plan.")
    var config: String?

    @Option(help: "A plan whose pools to serve (laid over the config's).")
    var plan: String?

    @Option(help: "HOST:PORT (or PORT) to listen on, instead of the config's.")
    var listen: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw InputError(
                "--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not '\(logLevel)'")
        }
        guard config != nil || plan != nil else { throw InputError("serve needs a config file, a --plan, or both") }
        let address: ListenAddress?
        switch listen.map(ListenAddress.parse) {
        case .none: address = nil
        case .success(let parsed): address = parsed
        case .failure(let error): throw InputError("--listen: \(error.message)")
        }
        let read = Self.reader(config: config, plan: plan, listen: address)
        let initial = try read()
        var logger = Logger(label: "gpusched.serve", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = level
        let server = try RouterServer(config: initial, makePolicy: PolicyFactory.make, reloadConfig: read, logger: logger)
        server.metrics.exportSwiftMetrics()
        do {
            try AsyncCommandBridge.run { try await server.run() }
        } catch let error as RouterStartError {
            throw InputError(error.description)
        }
    }

    /// Reads the config and the plan, with the listen override: at start and on each reload.
    static func reader(config: String?, plan: String?, listen: ListenAddress?) -> @Sendable () throws -> ServeConfig {
        {
            let base = try config.map { try ServeConfigReader.read(path: $0) }
            var serve: ServeConfig
            if let plan {
                serve = try PlanServeConfigReader.read(path: plan, base: base)
            } else if let base {
                serve = base
            } else {
                throw InputError("serve needs a config file, a --plan, or both")
            }
            if let listen { serve.listen = listen }
            return serve
        }
    }
}
