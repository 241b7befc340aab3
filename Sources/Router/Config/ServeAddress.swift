import Foundation

/// Host-and-port parsing for the serve config: the `listen` address and backend base URLs.
///
/// ```swift
/// let url = try BackendURL.parse("http://127.0.0.1:9001").get()   // http, 127.0.0.1, 9001
/// let listen = try ListenAddress.parse("0.0.0.0:8000").get()
/// ```
public struct BackendURL: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`.
    public var scheme: String
    /// A DNS name, an IPv4 address, or an IPv6 address (without brackets).
    public var host: String
    public var port: Int

    /// The URL written back with its port explicit: `http://10.0.0.5:8000`, `https://[::1]:443`.
    public var description: String { "\(scheme)://\(ServeHost.bracketed(host)):\(port)" }

    /// What a backend URL must look like, for error messages.
    static let expected = "must be a base URL http://HOST:PORT or https://HOST[:PORT] (no path: the router appends /v1/...)"

    /// Parses a backend base URL; the failure is the message to report at the URL's key path.
    /// `http` needs its port (a missing one is more often a mistake than port 80); `https` defaults
    /// to 443. A path other than `/`, a query, a fragment or credentials in the URL are refused
    /// (give credentials as `apiKey`/`apiKeyEnv`, which are never logged).
    public static func parse(_ text: String) -> Result<BackendURL, ServeAddressError> {
        let lower = text.lowercased()
        let scheme: String
        if lower.hasPrefix("http://") { scheme = "http" } else if lower.hasPrefix("https://") { scheme = "https" } else {
            return .failure(ServeAddressError("\(expected), got '\(text)'"))
        }
        var rest = Substring(text.dropFirst(scheme.count + 3))
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        if rest.contains("@") {
            return .failure(ServeAddressError("credentials in a backend URL are refused (they would be logged); use apiKey or apiKeyEnv"))
        }
        if rest.contains("/") || rest.contains("?") || rest.contains("#") {
            return .failure(ServeAddressError("\(expected), got '\(text)'"))
        }
        switch ServeHost.split(rest, defaultPort: scheme == "https" ? 443 : nil) {
        case let .success((host, port)): return .success(BackendURL(scheme: scheme, host: host, port: port))
        case let .failure(error): return .failure(ServeAddressError("\(error.message) in '\(text)'; \(expected)"))
        }
    }
}

extension ListenAddress {
    /// Parses `HOST:PORT` (`127.0.0.1:8000`, `0.0.0.0:8000`, `[::1]:8000`) or a bare port (on 127.0.0.1).
    public static func parse(_ text: String) -> Result<ListenAddress, ServeAddressError> {
        if let port = Int(text) {
            guard (1...65535).contains(port) else { return .failure(ServeAddressError("port must be between 1 and 65535, got \(port)")) }
            return .success(ListenAddress(port: port))
        }
        switch ServeHost.split(Substring(text), defaultPort: nil) {
        case let .success((host, port)): return .success(ListenAddress(host: host, port: port))
        case let .failure(error): return .failure(ServeAddressError("\(error.message); expected HOST:PORT such as 127.0.0.1:8000"))
        }
    }
}

/// Why an address could not be read (one line).
public struct ServeAddressError: Error, Sendable, Hashable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Hosts and ports: syntax, and which hosts name this machine.
enum ServeHost {
    /// Hosts that reach this machine's loopback interface.
    static let loopback: Set<String> = ["localhost", "127.0.0.1", "::1"]
    /// Addresses that bind every interface.
    static let wildcard: Set<String> = ["0.0.0.0", "::"]

    /// True when a server listening on `listen` and a backend at `backend` would claim the same
    /// socket: the same port on the same host, or on loopback while the listener binds loopback or
    /// every interface.
    static func sameSocket(listen: ListenAddress, backendHost: String, backendPort: Int) -> Bool {
        guard listen.port == backendPort else { return false }
        let a = listen.host.lowercased(), b = backendHost.lowercased()
        if a == b { return true }
        let local = loopback.union(wildcard)
        return (wildcard.contains(a) || loopback.contains(a)) && local.contains(b)
    }

    static func bracketed(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }

    /// Splits `HOST[:PORT]` (IPv6 in brackets) and checks both.
    static func split(_ text: Substring, defaultPort: Int?) -> Result<(String, Int), ServeAddressError> {
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return .failure(ServeAddressError("unclosed '[' in an IPv6 address")) }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return .failure(ServeAddressError("expected ':PORT' after ']'")) }
                portText = after.dropFirst()
            }
            guard isIPv6(host) else { return .failure(ServeAddressError("'\(host)' is not an IPv6 address")) }
        } else {
            if let colon = text.lastIndex(of: ":") {
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            } else {
                host = text
            }
            guard isHostName(host) else {
                return .failure(ServeAddressError(host.isEmpty ? "missing host" : "'\(host)' is not a host name or IPv4 address"))
            }
        }
        let port: Int
        if let portText {
            guard let value = Int(portText), portText.allSatisfy(\.isASCII), (1...65535).contains(value) else {
                return .failure(ServeAddressError("port must be a number between 1 and 65535, got '\(portText)'"))
            }
            port = value
        } else if let defaultPort {
            port = defaultPort
        } else {
            return .failure(ServeAddressError("missing ':PORT'"))
        }
        return .success((String(host), port))
    }

    /// A DNS name (labels of letters, digits and '-', not starting or ending with '-') or an IPv4
    /// address (four numbers 0–255) when every label is numeric.
    static func isHostName(_ host: Substring) -> Bool {
        guard (1...253).contains(host.count) else { return false }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) {
            return labels.count == 4 && labels.allSatisfy { $0.count <= 3 && (Int($0) ?? 256) <= 255 }
        }
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// Hex groups and colons (at most one `::`), optionally ending in an IPv4 address.
    static func isIPv6(_ host: Substring) -> Bool {
        guard (2...45).contains(host.count), host.contains(":") else { return false }
        let doubleColons = host.components(separatedBy: "::").count - 1
        guard doubleColons <= 1 else { return false }
        var groups = host.split(separator: ":", omittingEmptySubsequences: true)
        var limit = 8
        if let last = groups.last, last.contains(".") {
            guard isHostName(last), last.allSatisfy({ $0 == "." || $0.isNumber }) else { return false }
            groups.removeLast()
            limit = 6
        }
        guard groups.allSatisfy({ (1...4).contains($0.count) && $0.allSatisfy(\.isHexDigit) }) else { return false }
        return doubleColons == 1 ? groups.count < limit : groups.count == limit
    }
}
