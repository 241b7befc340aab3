import ServingModel

extension ServeConfigReader {
    /// The client keys: `apiKeys` (a list) and the comma-separated keys in the variable `apiKeysEnv`
    /// names, together; none: no authentication.
    static func readAPIKeys(_ body: ConfigObject, environment: [String: String]) -> [String]? {
        var keys: [String] = []
        var ok = true
        if let node = body["apiKeys"] {
            if let list = node.list(nonEmpty: true) {
                let read = list.compactMap(readKey)
                if read.count == list.count { keys += read } else { ok = false }
            } else { ok = false }
        }
        if let node = body["apiKeysEnv"] {
            if let value = readEnvironment(node, environment: environment) {
                let parts = value.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
                if parts.isEmpty { node.report("the variable holds no keys (expected KEY1,KEY2,...)"); ok = false }
                for part in parts {
                    if let key = checkKey(part, report: node.report, origin: "a key in that variable") { keys.append(key) } else { ok = false }
                }
            } else { ok = false }
        }
        guard ok else { return nil }
        if keys.count > ServeConfigBounds.maxAPIKeys {
            body.report(key: "apiKeys", "at most \(ServeConfigBounds.maxAPIKeys) keys, got \(keys.count)")
            return nil
        }
        return keys
    }

    /// A key written in the file.
    static func readKey(_ node: ConfigNode) -> String? {
        guard let text = node.string() else { return nil }
        return checkKey(text, report: node.report, origin: "a key")
    }

    /// A key sent in an `Authorization: Bearer` header: printable ASCII without spaces (anything
    /// else could not be sent, or would split the header). The message never shows the key.
    static func checkKey(_ key: String, report: (String) -> Void, origin: String) -> String? {
        guard (1...ServeConfigBounds.maxAPIKeyLength).contains(key.utf8.count) else {
            report("\(origin) must have 1 to \(ServeConfigBounds.maxAPIKeyLength) characters, got \(key.utf8.count)")
            return nil
        }
        guard key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            report("\(origin) must be printable ASCII without spaces")
            return nil
        }
        return key
    }

    /// The value of the environment variable the node names (so keys need not sit in files).
    static func readEnvironment(_ node: ConfigNode, environment: [String: String]) -> String? {
        guard let name = node.string() else { return nil }
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic),
            name.unicodeScalars.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) })
        else {
            node.report("'\(name)' is not an environment variable name (letters, digits and '_')")
            return nil
        }
        guard let value = environment[name], !value.isEmpty else {
            node.report("environment variable \(name) is not set")
            return nil
        }
        return value
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension ConfigValue {
    /// The string, if the value is one.
    var stringValue: String? { if case let .string(text) = self { text } else { nil } }
}
