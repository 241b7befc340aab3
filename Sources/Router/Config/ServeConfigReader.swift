import Foundation
import ServingModel

/// Reads a `kind: serve` file (YAML or JSON) into a `ServeConfig`, checked like every scenario:
/// every problem is collected with its key path (`pools[1].backends[0]: ...`) and thrown as one
/// `ScenarioError` (the CLI prints one line each and exits 2). Unreachable backends are not an
/// error: the router starts, marks them down and keeps probing. The ranges accepted are
/// `ServeConfigBounds`'.
///
/// ```swift
/// // kind: serve
/// // listen: 127.0.0.1:8000
/// // pools:
/// //   - model: llama-3.1-8b
/// //     policy: least-outstanding
/// //     backends: [http://127.0.0.1:9001, http://127.0.0.1:9002]
/// let config = try ServeConfigReader.read(path: "examples/serve.yaml")
/// config.pools[0].backends.map(\.url)   // ["http://127.0.0.1:9001", "http://127.0.0.1:9002"]
/// ```
public enum ServeConfigReader {
    /// The scenario kind.
    public static let kind = "serve"
    /// Top-level keys of the kind (besides `kind` and `description`).
    public static let keys = ["listen", "pools", "cascades", "limits", "apiKeys", "apiKeysEnv", "health", "retry", "timeouts"]
    /// Units a duration may carry (a plain number is seconds).
    static let durationUnits: [String: Double] = ["ms": 0.001, "s": 1, "min": 60]

    /// Reads and checks the file at `path`. `environment` supplies the variables that
    /// `apiKeyEnv`/`apiKeysEnv` name (the process's by default).
    /// - Throws: `ScenarioError` with every problem found.
    public static func read(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServeConfig {
        let envelope = try ScenarioEnvelope.read(path: path, kinds: [kind: keys])
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try read(envelope, baseDirectory: directory, environment: environment)
    }

    /// Reads the body of an already opened `kind: serve` envelope (as `gpusched validate` does);
    /// the problems are also left in the envelope's diagnostics. Plan files a pool or cascade names
    /// are found relative to `baseDirectory` (the config file's folder).
    public static func read(_ envelope: ScenarioEnvelope, baseDirectory: String, environment: [String: String]) throws(ScenarioError) -> ServeConfig {
        let body = envelope.body
        let listen = body["listen"].map(readListen) ?? ListenAddress()
        let (pools, addresses) = body.require("pools").map { readPools($0, baseDirectory: baseDirectory, environment: environment) } ?? (nil, [])
        let cascades = body["cascades"].map { readCascades($0, baseDirectory: baseDirectory, environment: environment) } ?? []
        let limits = body["limits"].map(readLimits) ?? ServeLimits()
        let apiKeys = readAPIKeys(body, environment: environment)
        let health = body["health"].map(readHealth) ?? HealthSettings()
        let retry = body["retry"].map(readRetry) ?? RetrySettings()
        let timeouts = body["timeouts"].map(readTimeouts) ?? TimeoutSettings()
        if let listen {
            for address in addresses { checkPorts(listen: listen, backend: address.url, report: address.node.report) }
        }
        if let pools, let cascades {
            checkCascades(cascades, pools: pools) { index, message in envelope.diagnostics.report("cascades[\(index)]", message) }
        }
        guard envelope.diagnostics.issues.isEmpty, let listen, let pools, let cascades, let limits, let apiKeys, let health, let retry,
            let timeouts
        else { throw envelope.diagnostics.failure() }
        return ServeConfig(
            listen: listen, pools: pools, cascades: cascades, limits: limits, apiKeys: apiKeys, health: health, retry: retry,
            timeouts: timeouts)
    }

    /// Reports a backend that would take the router's own listening socket.
    static func checkPorts(listen: ListenAddress, backend: BackendURL, report: (String) -> Void) {
        if ServeHost.sameSocket(listen: listen, backendHost: backend.host, backendPort: backend.port) {
            report("conflicting ports: \(backend) is the router's own listen address \(listen)")
        }
    }

    static func readListen(_ node: ConfigNode) -> ListenAddress? {
        guard let text = node.string() else { return nil }
        switch ListenAddress.parse(text) {
        case let .success(address): return address
        case let .failure(error): node.report(error.message); return nil
        }
    }

    /// A duration: seconds, or a number with `ms`, `s` or `min`; > 0 and at most `max` seconds.
    static func seconds(_ node: ConfigNode, max: Double) -> Double? {
        guard let value = node.quantity(units: durationUnits, rule: .positive) else { return nil }
        guard value <= max else {
            node.report("must be <= \(ConfigNode.format(max)) seconds, got \(ConfigNode.format(value))")
            return nil
        }
        return value
    }

    static func readLimits(_ node: ConfigNode) -> ServeLimits? {
        guard let object = node.object(allowedKeys: ["maxBodyBytes", "maxConcurrentRequests"]) else { return nil }
        var limits = ServeLimits()
        var ok = true
        if let entry = object["maxBodyBytes"] {
            if let bytes = entry.bytes(.positive, max: Double(ServeConfigBounds.maxBodyBytes)) {
                if bytes < Double(ServeConfigBounds.minBodyBytes) {
                    entry.report("must be >= \(ServeConfigBounds.minBodyBytes) bytes, got \(ConfigNode.format(bytes))")
                    ok = false
                } else {
                    limits.maxBodyBytes = Int(bytes)
                }
            } else { ok = false }
        }
        if let entry = object["maxConcurrentRequests"] {
            if let count = entry.integer(min: 1, max: ServeConfigBounds.maxConcurrentRequests) { limits.maxConcurrentRequests = count } else { ok = false }
        }
        return ok ? limits : nil
    }

    static func readHealth(_ node: ConfigNode) -> HealthSettings? {
        let keys = ["interval", "timeout", "failureThreshold", "openSeconds", "slowFirstByte"]
        guard let object = node.object(allowedKeys: keys) else { return nil }
        var health = HealthSettings()
        var ok = true
        func duration(_ key: String, max: Double, _ set: (Double) -> Void) {
            guard let entry = object[key] else { return }
            if let value = seconds(entry, max: max) { set(value) } else { ok = false }
        }
        duration("interval", max: ServeConfigBounds.maxHealthSeconds) { health.intervalSeconds = $0 }
        duration("timeout", max: ServeConfigBounds.maxProbeTimeoutSeconds) { health.timeoutSeconds = $0 }
        duration("openSeconds", max: ServeConfigBounds.maxHealthSeconds) { health.openSeconds = $0 }
        duration("slowFirstByte", max: ServeConfigBounds.maxHealthSeconds) { health.slowFirstByteSeconds = $0 }
        if let entry = object["failureThreshold"] {
            if let count = entry.integer(min: 1, max: ServeConfigBounds.maxFailureThreshold) { health.failureThreshold = count } else { ok = false }
        }
        return ok ? health : nil
    }

    static func readRetry(_ node: ConfigNode) -> RetrySettings? {
        guard let object = node.object(allowedKeys: ["maxAttempts", "retryOnStatus"]) else { return nil }
        var retry = RetrySettings()
        var ok = true
        if let entry = object["maxAttempts"] {
            if let count = entry.integer(min: 1, max: ServeConfigBounds.maxAttempts) { retry.maxAttempts = count } else { ok = false }
        }
        if let entry = object["retryOnStatus"] {
            if let flag = entry.bool() { retry.retryOnStatus = flag } else { ok = false }
        }
        return ok ? retry : nil
    }

    static func readTimeouts(_ node: ConfigNode) -> TimeoutSettings? {
        guard let object = node.object(allowedKeys: ["connect", "firstByte", "total"]) else { return nil }
        var timeouts = TimeoutSettings()
        var ok = true
        if let entry = object["connect"] {
            if let value = seconds(entry, max: ServeConfigBounds.maxConnectSeconds) { timeouts.connectSeconds = value } else { ok = false }
        }
        if let entry = object["firstByte"] {
            if let value = seconds(entry, max: ServeConfigBounds.maxRequestSeconds) { timeouts.firstByteSeconds = value } else { ok = false }
        }
        if let entry = object["total"] {
            if let value = seconds(entry, max: ServeConfigBounds.maxRequestSeconds) { timeouts.totalSeconds = value } else { ok = false }
        }
        guard ok else { return nil }
        if timeouts.totalSeconds < max(timeouts.firstByteSeconds, timeouts.connectSeconds) {
            object.report(key: "total", "must be at least firstByte (\(ConfigNode.format(timeouts.firstByteSeconds)) s) "
                + "and connect (\(ConfigNode.format(timeouts.connectSeconds)) s), got \(ConfigNode.format(timeouts.totalSeconds)) s")
            return nil
        }
        return timeouts
    }
}
