import Foundation

/// The one JSON contract of every `--json` output (documented in `schemas/` and CHANGELOG.md):
/// one object with `schemaVersion` and `kind`, camelCase keys sorted, times ending in `Seconds`,
/// missing values `null` (`@Nullable`) and non-finite numbers `null` (never the strings "nan"/"inf").
/// ```
/// let data = try JSONContract.encode(ReportEnvelope(kind: "simulate", body: summary))
/// ```
public enum JSONContract {
    /// Version of the output shapes; raised when a key changes meaning or disappears.
    public static let schemaVersion = 2

    /// Stands in for a non-finite number while encoding; replaced by `null` in the text.
    private static let nonFiniteMarker = "@@gpusched-non-finite@@"

    /// Pretty-printed, keys sorted (stable text across runs), non-finite numbers as `null`.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: nonFiniteMarker, negativeInfinity: nonFiniteMarker, nan: nonFiniteMarker)
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        return Data(text.replacingOccurrences(of: "\"\(nonFiniteMarker)\"", with: "null").utf8)
    }
}
