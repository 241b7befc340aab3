import Foundation
import GPUSchedTestSupport
import Router
import ServingModel
import Testing

/// `--plan`: a deploy-routing file becomes weighted pools over the base config; disaggregated
/// models, plan-deploy reports and other kinds are refused with one line.
@Suite struct PlanServeConfigTests {
    /// A routing.json as `export deploy --format k8s` writes it: one aggregated model with two groups,
    /// and (when `withDisaggregated`) a prefill/decode model.
    static func routing(withDisaggregated: Bool = false, engine: String = "vllm", url: String = "http://g1-a-api.serving.svc:8000") -> String {
        func endpoint(_ group: String, role: String, url: String, weight: Double, replicas: Int, capacity: Double) -> String {
            """
            {"bootstrapPort": null, "capacityPerReplica": \(capacity), "gpu": "H100-80GB", "group": "\(group)", "port": 8000, "pp": 1,
             "replicas": \(replicas), "role": "\(role)", "service": "\(group)-api", "tp": 1, "url": "\(url)", "weight": \(weight)}
            """
        }
        var models = [
            """
            {"disaggregated": false, "model": "llama-3.1-8b", "repository": "meta-llama/Llama-3.1-8B-Instruct", "endpoints": [
              \(endpoint("g1-a", role: "aggregated", url: url, weight: 50, replicas: 4, capacity: 12.5)),
              \(endpoint("g2-a", role: "aggregated", url: "http://g2-a-api.serving.svc:8000", weight: 6, replicas: 2, capacity: 3))]}
            """,
        ]
        if withDisaggregated {
            models.append("""
                {"disaggregated": true, "model": "llama-3.1-70b", "repository": "meta-llama/Llama-3.1-70B-Instruct", "endpoints": [
                  \(endpoint("g3-p", role: "prefill", url: "http://g3-p-api:8000", weight: 6, replicas: 2, capacity: 3)),
                  \(endpoint("g4-d", role: "decode", url: "http://g4-d-api:8000", weight: 6, replicas: 1, capacity: 6))]}
                """)
        }
        return """
            {"engine": "\(engine)", "kind": "deploy-routing", "models": [\(models.joined(separator: ", "))], "namespace": "serving",
             "plan": "plan", "schemaVersion": 1}
            """
    }

    static func problems(_ json: String, base: ServeConfig? = nil) throws -> [String] {
        let path = try TemporaryFiles.file(json, extension: "json")
        do {
            _ = try PlanServeConfigReader.read(path: path, base: base)
            return []
        } catch let error as ScenarioError {
            return error.issues.map(\.description)
        }
    }

    @Test func aggregatedEndpointsBecomeAWeightedPool() throws {
        let config = try PlanServeConfigReader.read(path: try TemporaryFiles.file(Self.routing(engine: "sglang"), extension: "json"))
        #expect(config.listen == ListenAddress())
        #expect(config.pools == [PoolConfig(model: "llama-3.1-8b", policy: .weighted, backends: [
            BackendConfig(url: "http://g1-a-api.serving.svc:8000", weight: 50, metrics: .sglang),
            BackendConfig(url: "http://g2-a-api.serving.svc:8000", weight: 6, metrics: .sglang),
        ])])
    }

    @Test func thePlanIsLaidOverTheBaseConfig() throws {
        let base = ServeConfig(
            listen: ListenAddress(host: "0.0.0.0", port: 8080),
            pools: [
                PoolConfig(model: "llama-3.1-8b", policy: .roundRobin, backends: [BackendConfig(url: "http://127.0.0.1:9001")]),
                PoolConfig(model: "other", policy: .powerOfTwo, backends: [BackendConfig(url: "http://127.0.0.1:9002")]),
            ],
            apiKeys: ["client"], retry: RetrySettings(maxAttempts: 1, retryOnStatus: false))
        let config = try PlanServeConfigReader.read(path: try TemporaryFiles.file(Self.routing(), extension: "json"), base: base)
        #expect(config.listen == base.listen && config.apiKeys == ["client"] && config.retry == base.retry)
        #expect(config.pools.map(\.model) == ["llama-3.1-8b", "other"])
        #expect(config.pools[0].policy == .weighted && config.pools[0].backends.map(\.weight) == [50, 6])
        #expect(config.pools[1] == base.pools[1])
    }

    @Test func aDisaggregatedModelIsRefusedUnlessTheBaseGivesItsPool() throws {
        let problems = try Self.problems(Self.routing(withDisaggregated: true))
        #expect(problems.count == 1)
        #expect(problems[0].hasPrefix("models[1]: llama-3.1-70b is disaggregated (prefill and decode groups): the router does not hand"))
        // With a pool for it (a PD proxy) in the base config, that pool is kept.
        let proxy = PoolConfig(model: "llama-3.1-70b", policy: .roundRobin, backends: [BackendConfig(url: "http://pd-proxy:8000")])
        let config = try PlanServeConfigReader.read(
            path: try TemporaryFiles.file(Self.routing(withDisaggregated: true), extension: "json"), base: ServeConfig(pools: [proxy]))
        #expect(config.pools.map(\.model) == ["llama-3.1-70b", "llama-3.1-8b"])
        #expect(config.pools[0] == proxy)
    }

    @Test func aPlanOfTheWrongKindIsOneLine() throws {
        #expect(try Self.problems(#"{"kind": "plan-geo", "schemaVersion": 2}"#) == [
            "kind: 'plan-geo' is not a plan serve can run; --plan takes a plan of kind \(PlanServeConfigReader.acceptedKinds.joined(separator: ", "))",
        ])
        #expect(PlanServeConfigReader.acceptedKinds == ["deploy-routing", "plan-cascade", "plan-gate-route"])
        #expect(try Self.problems(#"{"schemaVersion": 2}"#) == [
            "kind: missing; --plan takes a plan of kind \(PlanServeConfigReader.acceptedKinds.joined(separator: ", "))",
        ])
        #expect(try Self.problems(#"{"kind": "plan-deploy", "plan": {}}"#) == [
            "kind: a plan-deploy report names no endpoints to route to; run `gpusched export deploy PLAN.json --format k8s` and pass "
                + "the routing.json it writes into ConfigMap gpusched-routing (or list the backends in a serve config)",
        ])
        #expect(try Self.problems("[1, 2]") == ["a plan must be a JSON object with a 'kind', got a list"])
    }

    @Test func badEndpointsAndConflictingPortsHaveKeyPaths() throws {
        #expect(try Self.problems(Self.routing(url: "g1-a-api:8000")) == [
            "models[0].endpoints[0].url: must be a base URL http://HOST:PORT or https://HOST[:PORT] (no path: the router appends "
                + "/v1/...), got 'g1-a-api:8000'",
        ])
        let local = ServeConfig(listen: ListenAddress(host: "127.0.0.1", port: 8000), pools: [])
        #expect(try Self.problems(Self.routing(url: "http://localhost:8000"), base: local) == [
            "models[0].endpoints[0].url: conflicting ports: http://localhost:8000 is the router's own listen address 127.0.0.1:8000",
        ])
        let badVersion = Self.routing().replacingOccurrences(of: #""schemaVersion": 1"#, with: #""schemaVersion": 7"#)
        #expect(try Self.problems(badVersion) == ["schemaVersion: this router reads deploy-routing version 1, got 7"])
        let zeroWeight = Self.routing().replacingOccurrences(of: #""weight": 6.0"#, with: #""weight": 0"#)
        #expect(zeroWeight != Self.routing())
        #expect(try Self.problems(zeroWeight) == ["models[0].endpoints[1].weight: must be > 0, got 0"])
    }
}
