/// The token count the live components agree on for a prompt's text, without a tokenizer: one
/// token per 4 UTF-8 bytes, rounded up (at least 1). `text(tokens:)` makes a prompt of exactly that
/// many tokens, so the load generator's requests carry the lengths of its workload and the mock
/// engine (and the router's length classes) read them back.
///
/// ```swift
/// let prompt = PromptTokens.text(tokens: 512, seed: 7)
/// assert(PromptTokens.estimate(prompt) == 512)
/// ```
public enum PromptTokens {
    /// UTF-8 bytes per token.
    public static let bytesPerToken = 4

    /// Tokens of `text`: ⌈bytes / 4⌉, at least 1.
    public static func estimate(_ text: String) -> Int {
        max(1, (text.utf8.count + bytesPerToken - 1) / bytesPerToken)
    }

    /// A prompt of exactly `tokens` tokens (4-byte words), which differs between seeds from its first
    /// word on, so prompts of different seeds share no prefix.
    public static func text(tokens: Int, seed: UInt64) -> String {
        let count = max(1, tokens)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * bytesPerToken)
        var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
        for _ in 0..<count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let letters = state >> 40
            bytes.append(97 + UInt8(letters % 26))
            bytes.append(97 + UInt8((letters / 26) % 26))
            bytes.append(97 + UInt8((letters / 676) % 26))
            bytes.append(32)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
