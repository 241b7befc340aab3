/// The deterministic text of a mock engine's answers: token k of the answer to a prompt is a word
/// of a fixed list chosen by a hash of (the prompt's hash, k), so the same request always gets the
/// same text and different prompts get different texts.
///
/// ```swift
/// let text = MockTokenText(prompt: "Hello")
/// print(text.tokens(0..<8))   // the first 8 tokens' text, the same on every run
/// ```
public struct MockTokenText: Sendable, Hashable {
    /// 64 words, each with its leading space (one token each).
    public static let words: [String] = [
        " the", " of", " and", " to", " in", " a", " is", " that", " for", " it", " as", " was", " with", " be", " by",
        " on", " not", " he", " this", " are", " or", " his", " from", " at", " which", " but", " have", " an", " had",
        " they", " you", " were", " their", " one", " all", " we", " can", " her", " has", " there", " been", " if",
        " more", " when", " will", " would", " who", " so", " no", " time", " model", " token", " server", " batch",
        " cache", " queue", " request", " stream", " answer", " plan", " fleet", " route", " engine", " replica",
    ]

    /// FNV-1a hash of the prompt's UTF-8 bytes.
    public let promptHash: UInt64

    public init(prompt: String) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in prompt.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        promptHash = hash
    }

    /// The text of token `index` (0-based) of the answer.
    public func token(_ index: Int) -> String {
        // SplitMix64's finaliser of (hash, index).
        var z = promptHash &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Self.words[Int(z & 63)]
    }

    /// The text of the tokens in `range`, concatenated.
    public func tokens(_ range: Range<Int>) -> String {
        var text = ""
        text.reserveCapacity(range.count * 6)
        for index in range { text += token(index) }
        return text
    }
}
