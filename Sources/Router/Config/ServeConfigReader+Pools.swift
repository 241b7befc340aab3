import ServingModel

extension ServeConfigReader {
    /// Keys of one pool.
    static let poolKeys = ["model", "policy", "backends", "admission", "prefixAffinity", "gateAndRoute"]
    /// Keys of a backend given as a mapping (a plain string is its URL).
    static let backendKeys = ["url", "weight", "metrics", "apiKey", "apiKeyEnv"]
    /// The policy names of the config, in the order the error lists them.
    public static let policyNames = ["round-robin", "least-outstanding", "power-of-two", "prefix-affinity", "weighted", "gate-and-route"]

    /// A backend URL as read, with the node to report a later problem (conflicting ports) at.
    struct ReadAddress {
        var url: BackendURL
        var node: ConfigNode
    }

    /// The pools (nil after a problem), and every backend URL that could be read, for the port
    /// check (which runs even when another part of a pool is wrong, so all problems come at once).
    static func readPools(_ node: ConfigNode, baseDirectory: String, environment: [String: String]) -> (configs: [PoolConfig]?, addresses: [ReadAddress]) {
        guard let list = node.list(nonEmpty: true) else { return (nil, []) }
        if list.count > ServeConfigBounds.maxPools {
            node.report("at most \(ServeConfigBounds.maxPools) pools, got \(list.count)")
            return (nil, [])
        }
        var configs: [PoolConfig] = []
        var addresses: [ReadAddress] = []
        var firstIndex: [String: Int] = [:]
        var ok = true
        for (index, item) in list.enumerated() {
            let (read, addressesRead) = readPool(item, baseDirectory: baseDirectory, environment: environment)
            addresses += addressesRead
            guard let (pool, modelNode) = read else { ok = false; continue }
            if let first = firstIndex[pool.model] {
                modelNode.report("duplicate model '\(pool.model)' (also pools[\(first)]); a model has one pool")
                ok = false
                continue
            }
            firstIndex[pool.model] = index
            configs.append(pool)
        }
        return (ok ? configs : nil, addresses)
    }

    static func readPool(_ node: ConfigNode, baseDirectory: String, environment: [String: String]) -> (pool: (PoolConfig, ConfigNode)?, addresses: [ReadAddress]) {
        guard let object = node.object(allowedKeys: poolKeys) else { return (nil, []) }
        let modelNode = object.require("model")
        let model = modelNode?.string()
        let policyName = object["policy"].map { $0.choice(policyNames) } ?? "least-outstanding"
        let (backends, addresses) = object.require("backends").map { readBackends($0, environment: environment) } ?? (nil, [])
        let admission = object["admission"].map(readAdmission) ?? AdmissionConfig()
        var policy: PolicyConfig?
        switch policyName {
        case "round-robin": policy = .roundRobin
        case "least-outstanding": policy = .leastOutstanding
        case "power-of-two": policy = .powerOfTwo
        case "weighted": policy = .weighted
        case "prefix-affinity": policy = (object["prefixAffinity"].map(readPrefixAffinity) ?? PrefixAffinitySettings()).map(PolicyConfig.prefixAffinity)
        case "gate-and-route": policy = readGateAndRoute(object, policyNode: object["policy"], baseDirectory: baseDirectory).map(PolicyConfig.gateAndRoute)
        default: policy = nil
        }
        if let policyName {
            for (key, owner) in [("prefixAffinity", "prefix-affinity"), ("gateAndRoute", "gate-and-route")] where object.has(key) && policyName != owner {
                object.report(key: key, "applies to policy \(owner) only; this pool's policy is \(policyName)")
                policy = nil
            }
        }
        guard let modelNode, let model, let policy, let backends, let admission else { return (nil, addresses) }
        return ((PoolConfig(model: model, policy: policy, backends: backends, admission: admission), modelNode), addresses)
    }

    /// The backends (nil after a problem), and the URLs that could be read.
    static func readBackends(_ node: ConfigNode, environment: [String: String]) -> ([BackendConfig]?, [ReadAddress]) {
        guard let list = node.list(nonEmpty: true) else { return (nil, []) }
        if list.count > ServeConfigBounds.maxBackendsPerPool {
            node.report("at most \(ServeConfigBounds.maxBackendsPerPool) backends in a pool, got \(list.count)")
            return (nil, [])
        }
        var read: [BackendConfig] = []
        var addresses: [ReadAddress] = []
        var firstIndex: [BackendURL: Int] = [:]
        var ok = true
        for (index, item) in list.enumerated() {
            guard let backend = readBackend(item, environment: environment) else { ok = false; continue }
            if let first = firstIndex[backend.address.url] {
                backend.address.node.report("duplicate backend \(backend.address.url) (also backends[\(first)]); give it a weight instead")
                ok = false
                continue
            }
            firstIndex[backend.address.url] = index
            read.append(backend.config)
            addresses.append(backend.address)
        }
        return (ok ? read : nil, addresses)
    }

    static func readBackend(_ node: ConfigNode, environment: [String: String]) -> (config: BackendConfig, address: ReadAddress)? {
        if node.isObject {
            guard let object = node.object(allowedKeys: backendKeys) else { return nil }
            let urlNode = object.require("url")
            let url = urlNode.flatMap(readURL)
            let weight = object["weight"].map { $0.number(.positive, max: ServeConfigBounds.maxWeight) } ?? 1
            let metrics = object["metrics"].map { entry in
                entry.choice(EngineMetricsSource.allCases.map(\.rawValue)).flatMap(EngineMetricsSource.init(rawValue:))
            } ?? EngineMetricsSource.none
            var apiKey: String?? = .some(nil)
            if object.has("apiKey") && object.has("apiKeyEnv") {
                object.report(key: "apiKeyEnv", "give apiKey or apiKeyEnv, not both")
                apiKey = nil
            } else if let entry = object["apiKey"] {
                apiKey = readKey(entry).map(Optional.some)
            } else if let entry = object["apiKeyEnv"] {
                apiKey = readEnvironment(entry, environment: environment).flatMap { value in
                    checkKey(value, report: entry.report, origin: "the value of $\(entry.value.stringValue ?? "")").map(Optional.some)
                }
            }
            guard let urlNode, let url, let weight, let metrics, let apiKey else { return nil }
            return (BackendConfig(url: url.description, weight: weight, metrics: metrics, apiKey: apiKey), ReadAddress(url: url, node: urlNode))
        }
        guard let url = readURL(node) else { return nil }
        return (BackendConfig(url: url.description), ReadAddress(url: url, node: node))
    }

    static func readURL(_ node: ConfigNode) -> BackendURL? {
        guard let text = node.string() else { return nil }
        switch BackendURL.parse(text) {
        case let .success(url): return url
        case let .failure(error): node.report(error.message); return nil
        }
    }

    static func readAdmission(_ node: ConfigNode) -> AdmissionConfig? {
        guard let object = node.object(allowedKeys: ["maxQueued", "queueTimeout", "maxInFlightPerBackend"]) else { return nil }
        var admission = AdmissionConfig()
        var ok = true
        if let entry = object["maxQueued"] {
            if let count = entry.integer(min: 0, max: ServeConfigBounds.maxQueued) { admission.maxQueued = count } else { ok = false }
        }
        if let entry = object["queueTimeout"] {
            if let value = seconds(entry, max: ServeConfigBounds.maxQueueTimeoutSeconds) { admission.queueTimeoutSeconds = value } else { ok = false }
        }
        if let entry = object["maxInFlightPerBackend"] {
            if let count = entry.integer(min: 1, max: ServeConfigBounds.maxInFlightPerBackend) { admission.maxInFlightPerBackend = count } else { ok = false }
        }
        return ok ? admission : nil
    }

    static func readPrefixAffinity(_ node: ConfigNode) -> PrefixAffinitySettings? {
        guard let object = node.object(allowedKeys: ["prefixBytes", "loadFactor", "virtualNodes"]) else { return nil }
        var settings = PrefixAffinitySettings()
        var ok = true
        if let entry = object["prefixBytes"] {
            if let count = entry.integer(min: 1, max: ServeConfigBounds.maxPrefixBytes) { settings.prefixBytes = count } else { ok = false }
        }
        if let entry = object["loadFactor"] {
            if let value = entry.number(.range(1...ServeConfigBounds.maxLoadFactor)) { settings.loadFactor = value } else { ok = false }
        }
        if let entry = object["virtualNodes"] {
            if let count = entry.integer(min: 1, max: ServeConfigBounds.maxVirtualNodes) { settings.virtualNodes = count } else { ok = false }
        }
        return ok ? settings : nil
    }
}
