import Foundation
import Planning

/// The header every GPUSched `--json` output starts with, checked before a report reads anything
/// else: an object with `schemaVersion` (this build reads 2) and a `kind`.
/// ```
/// let input = try ReportInput(data: Data(contentsOf: url))   // input.kind == "simulate"
/// ```
public struct ReportInput: Sendable {
    /// The one `schemaVersion` this build writes and reads.
    public static let schemaVersion = 2
    public let kind: String
    public let root: JSONCursor

    public init(data: Data) throws(ReportError) {
        guard data.contains(where: { !Self.whitespace.contains($0) }) else { throw .badInput("empty file, not GPUSched JSON") }
        let value = try JSONValue.parse(data)
        guard case .object = value else { throw .badInput("not GPUSched JSON (expected an object with schemaVersion and kind)") }
        let root = JSONCursor(value)
        guard root["schemaVersion"].isPresent, root["kind"].isPresent else {
            throw .badInput("not GPUSched JSON (no schemaVersion and kind at the top)")
        }
        guard case .number(let version)? = root["schemaVersion"].value, version == version.rounded() else {
            throw .badInput("schemaVersion: expected an integer")
        }
        guard Int(exactly: version) == Self.schemaVersion else {
            throw .badInput("unknown schemaVersion \(NumberText.value(version)) (this gpusched reads \(Self.schemaVersion))")
        }
        kind = try root["kind"].string()
        self.root = root
    }

    static let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
}
