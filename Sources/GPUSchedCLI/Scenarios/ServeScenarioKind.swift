import Foundation
import Router
import ServingModel

extension ScenarioKinds {
    /// `kind: serve`: the router's config (`gpusched serve CONFIG`), checked by the router's own
    /// reader; keys named by `apiKeyEnv`/`apiKeysEnv` are looked up in this process's environment,
    /// as `serve` would at start.
    static let serve = ScenarioKindSpec(name: ServeConfigReader.kind, keys: ServeConfigReader.keys) { envelope, path in
        summary(envelope) { () throws(ScenarioError) in
            try ServeConfigReader.read(envelope, baseDirectory: directory(of: path), environment: ProcessInfo.processInfo.environment)
        } describe: { config in
            let backends = config.pools.reduce(0) { $0 + $1.backends.count }
            return "\(config.pools.count) pools (" + config.pools.map { "\($0.model): \($0.policy.name)" }.joined(separator: ", ")
                + ") over \(backends) backends, listening on \(config.listen)"
        }
    }
}
