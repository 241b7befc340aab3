import Foundation
import GPUSchedTestSupport
import Router
import ServingModel
import Testing

/// `ServeConfigReader`: the issue's smallest config read verbatim, the defaults, every setting, and
/// each bad input as its one line with its key path.
@Suite struct ConfigReaderTests {
    static let smallest = """
        kind: serve
        listen: 127.0.0.1:8000
        pools:
          - model: llama-3.1-8b
            policy: least-outstanding
            backends: [http://127.0.0.1:9001, http://127.0.0.1:9002]
        """

    /// The config read from `text`, or the ScenarioError's lines.
    static func read(_ text: String, environment: [String: String] = [:]) throws -> Result<ServeConfig, ScenarioError> {
        let path = try TemporaryFiles.file(text, extension: "yaml")
        do {
            return .success(try ServeConfigReader.read(path: path, environment: environment))
        } catch let error as ScenarioError {
            return .failure(error)
        }
    }

    /// The problems of `text`, one line each.
    static func problems(_ text: String, environment: [String: String] = [:]) throws -> [String] {
        switch try read(text, environment: environment) {
        case .success: return []
        case let .failure(error): return error.issues.map(\.description)
        }
    }

    @Test func theIssuesSmallestConfigReadsToItsPools() throws {
        let config = try Self.read(Self.smallest).get()
        let expected = ServeConfig(
            listen: ListenAddress(host: "127.0.0.1", port: 8000),
            pools: [PoolConfig(
                model: "llama-3.1-8b", policy: .leastOutstanding,
                backends: [BackendConfig(url: "http://127.0.0.1:9001"), BackendConfig(url: "http://127.0.0.1:9002")])])
        #expect(config == expected)
        // The defaults the types document.
        #expect(config.limits == ServeLimits(maxBodyBytes: 4 << 20, maxConcurrentRequests: 20_000))
        #expect(config.pools[0].admission == AdmissionConfig(maxQueued: 1024, queueTimeoutSeconds: 30, maxInFlightPerBackend: nil))
        #expect(config.apiKeys.isEmpty)
    }

    @Test func everySettingIsRead() throws {
        let text = """
            kind: serve
            description: two pools
            listen: "[::1]:8100"
            pools:
              - model: a
                policy: prefix-affinity
                prefixAffinity: {prefixBytes: 512, loadFactor: 1.5, virtualNodes: 32}
                admission: {maxQueued: 0, queueTimeout: 500ms, maxInFlightPerBackend: 64}
                backends:
                  - {url: "https://engine.example.com", weight: 2.5, metrics: vllm, apiKey: sk-inline}
                  - {url: "http://10.0.0.7:8000/", metrics: sglang, apiKeyEnv: UPSTREAM_KEY}
              - model: b
                policy: weighted
                backends: [http://localhost:9001]
            limits: {maxBodyBytes: 1MiB, maxConcurrentRequests: 500}
            apiKeys: [k1]
            apiKeysEnv: CLIENT_KEYS
            health: {interval: 1, timeout: 250ms, failureThreshold: 5, openSeconds: 2min, slowFirstByte: 3s}
            retry: {maxAttempts: 2, retryOnStatus: false}
            timeouts: {connect: 1, firstByte: 30, total: 120}
            """
        let config = try Self.read(text, environment: ["UPSTREAM_KEY": "sk-env", "CLIENT_KEYS": "k2, k3"]).get()
        #expect(config.listen == ListenAddress(host: "::1", port: 8100))
        #expect(config.listen.description == "[::1]:8100")
        #expect(config.pools.map(\.model) == ["a", "b"])
        #expect(config.pools[0].policy == .prefixAffinity(PrefixAffinitySettings(prefixBytes: 512, loadFactor: 1.5, virtualNodes: 32)))
        #expect(config.pools[0].admission == AdmissionConfig(maxQueued: 0, queueTimeoutSeconds: 0.5, maxInFlightPerBackend: 64))
        #expect(config.pools[0].backends == [
            BackendConfig(url: "https://engine.example.com:443", weight: 2.5, metrics: .vllm, apiKey: "sk-inline"),
            BackendConfig(url: "http://10.0.0.7:8000", weight: 1, metrics: .sglang, apiKey: "sk-env"),
        ])
        #expect(config.pools[1].policy == .weighted)
        #expect(config.limits == ServeLimits(maxBodyBytes: 1_048_576, maxConcurrentRequests: 500))
        #expect(config.apiKeys == ["k1", "k2", "k3"])
        #expect(config.health == HealthSettings(
            intervalSeconds: 1, timeoutSeconds: 0.25, failureThreshold: 5, openSeconds: 120, slowFirstByteSeconds: 3))
        #expect(config.retry == RetrySettings(maxAttempts: 2, retryOnStatus: false))
        #expect(config.timeouts == TimeoutSettings(connectSeconds: 1, firstByteSeconds: 30, totalSeconds: 120))
    }

    @Test func aBarePortListensOnLoopbackAndPolicyDefaultsToLeastOutstanding() throws {
        let config = try Self.read("""
            kind: serve
            listen: 8080
            pools: [{model: m, backends: [http://127.0.0.1:9001]}]
            """).get()
        #expect(config.listen == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(config.pools[0].policy == .leastOutstanding)
    }

    /// One pool with `pool` spliced in (YAML flow mapping entries) after the model.
    static func pool(_ entries: String, listen: String = "127.0.0.1:8000") -> String {
        """
        kind: serve
        listen: \(listen)
        pools:
          - {model: m, \(entries)}
        """
    }

    @Test func anUnknownPolicyListsTheChoices() throws {
        #expect(try Self.problems(Self.pool("policy: fastest, backends: [http://127.0.0.1:9001]")) == [
            "pools[0].policy: unknown value 'fastest'; expected one of: round-robin, least-outstanding, power-of-two, "
                + "prefix-affinity, weighted, gate-and-route",
        ])
        #expect(try Self.problems(Self.pool("policy: round-robbin, backends: [http://127.0.0.1:9001]")) == [
            "pools[0].policy: unknown value 'round-robbin' (did you mean 'round-robin'?); expected one of: round-robin, "
                + "least-outstanding, power-of-two, prefix-affinity, weighted, gate-and-route",
        ])
    }

    @Test func unknownKeysAreNamedWhereTheyAre() throws {
        let text = """
            kind: serve
            listn: 127.0.0.1:8000
            pools:
              - model: m
                backends: [{url: "http://127.0.0.1:9001", wieght: 2}]
                admission: {maxQueue: 10}
            """
        #expect(try Self.problems(text) == [
            "listn: unknown key (did you mean 'listen'?)",
            "pools[0].backends[0].wieght: unknown key (did you mean 'weight'?)",
            "pools[0].admission.maxQueue: unknown key (did you mean 'maxQueued'?)",
        ])
    }

    @Test func aPoolWithNoBackends() throws {
        #expect(try Self.problems(Self.pool("backends: []")) == ["pools[0].backends: must not be empty"])
        #expect(try Self.problems(Self.pool("policy: round-robin")) == ["pools[0].backends: missing required key"])
        #expect(try Self.problems("kind: serve\npools: []\n") == ["pools: must not be empty"])
    }

    @Test func malformedURLs() throws {
        let expected = "must be a base URL http://HOST:PORT or https://HOST[:PORT] (no path: the router appends /v1/...)"
        let cases: [(String, String)] = [
            ("127.0.0.1:9001", "\(expected), got '127.0.0.1:9001'"),
            ("ftp://127.0.0.1:9001", "\(expected), got 'ftp://127.0.0.1:9001'"),
            ("http://127.0.0.1", "missing ':PORT' in 'http://127.0.0.1'; \(expected)"),
            ("http://127.0.0.1:99999", "port must be a number between 1 and 65535, got '99999' in 'http://127.0.0.1:99999'; \(expected)"),
            ("http://127.0.0.1:9001/v1", "\(expected), got 'http://127.0.0.1:9001/v1'"),
            ("http://bad_host:9001", "'bad_host' is not a host name or IPv4 address in 'http://bad_host:9001'; \(expected)"),
            ("http://300.1.1.1:9001", "'300.1.1.1' is not a host name or IPv4 address in 'http://300.1.1.1:9001'; \(expected)"),
            ("http://user:secret@host:9001", "credentials in a backend URL are refused (they would be logged); use apiKey or apiKeyEnv"),
        ]
        for (url, message) in cases {
            #expect(try Self.problems(Self.pool("backends: [\"http://127.0.0.1:9002\", \"\(url)\"]")) == ["pools[0].backends[1]: \(message)"])
        }
    }

    @Test func duplicateModelsAndBackends() throws {
        let text = """
            kind: serve
            pools:
              - {model: m, backends: [http://127.0.0.1:9001]}
              - {model: n, backends: [http://127.0.0.1:9002, "http://127.0.0.1:9002/"]}
              - {model: m, backends: [http://127.0.0.1:9003]}
            """
        #expect(try Self.problems(text) == [
            "pools[1].backends[1]: duplicate backend http://127.0.0.1:9002 (also backends[0]); give it a weight instead",
            "pools[2].model: duplicate model 'm' (also pools[0]); a model has one pool",
        ])
    }

    @Test func theListenPortOfABackendOnTheSameHostConflicts() throws {
        #expect(try Self.problems(Self.pool("backends: [http://127.0.0.1:9001, http://localhost:8000]")) == [
            "pools[0].backends[1]: conflicting ports: http://localhost:8000 is the router's own listen address 127.0.0.1:8000",
        ])
        // Every interface includes loopback; another host's port 8000 is no conflict.
        #expect(try Self.problems(Self.pool("backends: [http://127.0.0.1:8000]", listen: "0.0.0.0:8000")) == [
            "pools[0].backends[0]: conflicting ports: http://127.0.0.1:8000 is the router's own listen address 0.0.0.0:8000",
        ])
        #expect(try Self.problems(Self.pool("backends: [http://10.0.0.5:8000]", listen: "0.0.0.0:8000")).isEmpty)
        #expect(try Self.problems(Self.pool("backends: [http://127.0.0.1:8001]")).isEmpty)
    }

    @Test func weightsMustBePositive() throws {
        #expect(try Self.problems(Self.pool("policy: weighted, backends: [{url: \"http://127.0.0.1:9001\", weight: 0}]")) == [
            "pools[0].backends[0].weight: must be > 0, got 0",
        ])
        #expect(try Self.problems(Self.pool("policy: weighted, backends: [{url: \"http://127.0.0.1:9001\", weight: -2}]")) == [
            "pools[0].backends[0].weight: must be > 0, got -2",
        ])
    }

    @Test func limitsOutOfRange() throws {
        let text = """
            kind: serve
            listen: 127.0.0.1:70000
            pools:
              - model: m
                policy: prefix-affinity
                prefixAffinity: {loadFactor: 0.5, virtualNodes: 5000}
                admission: {maxQueued: 5000000, queueTimeout: 2h}
                backends: [http://127.0.0.1:9001]
            limits: {maxBodyBytes: 100, maxConcurrentRequests: 0}
            health: {failureThreshold: 0, interval: 7200}
            retry: {maxAttempts: 11}
            timeouts: {firstByte: 100, total: 50}
            """
        #expect(try Self.problems(text) == [
            "listen: port must be a number between 1 and 65535, got '70000'; expected HOST:PORT such as 127.0.0.1:8000",
            "pools[0].admission.maxQueued: must be <= 1000000, got 5000000",
            "pools[0].admission.queueTimeout: cannot read '2h' as a quantity; use a number or one of the units min, ms, s",
            "pools[0].prefixAffinity.loadFactor: must be between 1 and 100, got 0.5",
            "pools[0].prefixAffinity.virtualNodes: must be <= 1024, got 5000",
            "limits.maxBodyBytes: must be >= 1024 bytes, got 100",
            "limits.maxConcurrentRequests: must be >= 1, got 0",
            "health.interval: must be <= 3600 seconds, got 7200",
            "health.failureThreshold: must be >= 1, got 0",
            "retry.maxAttempts: must be <= 10, got 11",
            "timeouts.total: must be at least firstByte (100 s) and connect (2 s), got 50 s",
        ])
    }

    @Test func keysFromTheEnvironment() throws {
        let text = """
            kind: serve
            pools: [{model: m, backends: [{url: "http://127.0.0.1:9001", apiKeyEnv: MISSING_KEY}]}]
            apiKeysEnv: "bad-name"
            apiKeys: ["has space"]
            """
        #expect(try Self.problems(text) == [
            "pools[0].backends[0].apiKeyEnv: environment variable MISSING_KEY is not set",
            "apiKeys[0]: a key must be printable ASCII without spaces",
            "apiKeysEnv: 'bad-name' is not an environment variable name (letters, digits and '_')",
        ])
    }

    @Test func theWrongKindAndAllProblemsAtOnce() throws {
        #expect(try Self.problems("kind: simulate\n") == ["kind: unknown value 'simulate'; expected one of: serve"])
        let text = """
            kind: serve
            pools:
              - {model: a, policy: nope, backends: []}
              - {model: b, backends: ["http://x:1", {url: "http://127.0.0.1:2", metrics: prometheus}]}
            """
        #expect(try Self.problems(text) == [
            "pools[0].policy: unknown value 'nope'; expected one of: round-robin, least-outstanding, power-of-two, prefix-affinity, "
                + "weighted, gate-and-route",
            "pools[0].backends: must not be empty",
            "pools[1].backends[1].metrics: unknown value 'prometheus'; expected one of: none, vllm, sglang",
        ])
    }

    @Test func aSettingsBlockOfAnotherPolicy() throws {
        #expect(try Self.problems(Self.pool("policy: round-robin, prefixAffinity: {prefixBytes: 64}, backends: [http://127.0.0.1:9001]")) == [
            "pools[0].prefixAffinity: applies to policy prefix-affinity only; this pool's policy is round-robin",
        ])
    }
}
