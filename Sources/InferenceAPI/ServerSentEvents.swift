/// Server-sent events as OpenAI-compatible servers stream them: `data: <json>\n\n` frames, ended by
/// `data: [DONE]\n\n`.
///
/// ```swift
/// var parser = ServerSentEventParser()
/// for payload in parser.feed(Array("data: {\"a\":1}\n\ndata: [DONE]\n\n".utf8)) { print(payload) }
/// ```
public enum ServerSentEvents {
    /// The payload that ends an OpenAI stream.
    public static let done = "[DONE]"

    /// One `data:` frame carrying `payload`.
    public static func frame(_ payload: some Collection<UInt8>) -> [UInt8] {
        var bytes: [UInt8] = Array("data: ".utf8)
        bytes.reserveCapacity(payload.count + 8)
        bytes.append(contentsOf: payload)
        bytes.append(contentsOf: [10, 10])
        return bytes
    }

    /// The `data: [DONE]` frame.
    public static let doneFrame: [UInt8] = frame(Array(done.utf8))
}

/// Splits a byte stream into the payloads of its `data:` fields, whatever the chunk boundaries.
/// An event's payload is its `data:` lines joined by newlines; comments (`:`) and other fields are
/// skipped. The buffer of an incomplete line is bounded by `maximumLineBytes`.
public struct ServerSentEventParser: Sendable {
    /// The longest line kept (bytes); a longer line is an error.
    public let maximumLineBytes: Int
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var skipLineFeed = false

    public init(maximumLineBytes: Int = 1 << 20) {
        self.maximumLineBytes = maximumLineBytes
    }

    /// The error when a line exceeds `maximumLineBytes`.
    public struct LineTooLong: Error, Sendable {}

    /// Feeds bytes; returns the payloads of the events they completed, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(LineTooLong) -> [[UInt8]] {
        var events: [[UInt8]] = []
        for byte in bytes {
            if skipLineFeed {
                skipLineFeed = false
                if byte == 10 { continue }
            }
            if byte == 10 || byte == 13 {
                skipLineFeed = byte == 13
                if let event = endLine() { events.append(event) }
            } else {
                guard line.count < maximumLineBytes else { throw LineTooLong() }
                line.append(byte)
            }
        }
        return events
    }

    private mutating func endLine() -> [UInt8]? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            guard hasData else { return nil }
            let event = data
            data.removeAll(keepingCapacity: true)
            hasData = false
            return event
        }
        guard line.starts(with: Array("data:".utf8)) else { return nil }
        var value = line.dropFirst(5)
        if value.first == 32 { value = value.dropFirst() }
        if hasData { data.append(10) }
        data.append(contentsOf: value)
        hasData = true
        return nil
    }
}
