import Foundation

/// Measured per-operation tables read once per scenario, from which `MeasuredTableModel`s are built
/// for each replica layout (the rows are shared, immutable storage).
///
/// ```swift
/// let profile = try MeasuredProfile.vidur(directory: "data/profiles/vidur-a100-llama3-8b")
/// let model = try profile.model(for: llama, gpu: a100, layout: ParallelLayout(tensorParallel: 2))
/// let seconds = model.iterationSeconds(BatchShape(decodeStreams: 32, decodeContextTokens: 32 * 1000))
/// ```
public enum MeasuredProfile: Sendable {
    /// Vidur's profile: `mlp.csv`, `attention.csv`, optionally `all_reduce.csv` and `send_recv.csv`.
    case vidur(VidurProfile)
    /// aiconfigurator's perf-DB CSVs as shipped.
    case aiconfigurator(AIConfiguratorProfile)

    /// Reads a Vidur profile directory.
    public static func vidur(directory: String) throws(ProfileError) -> MeasuredProfile {
        .vidur(try VidurProfile(directory: directory))
    }

    /// Reads an aiconfigurator perf-DB directory.
    public static func aiconfigurator(directory: String) throws(ProfileError) -> MeasuredProfile {
        .aiconfigurator(try AIConfiguratorProfile(directory: directory))
    }

    /// The all-reduce charged when the scenario does not choose (see `AllReduceAlgorithm`).
    public var defaultAllReduce: AllReduceAlgorithm {
        switch self {
        case .vidur: return .nccl
        case .aiconfigurator: return .custom
        }
    }

    /// The iteration-time model of one replica, or an error naming the table and the shapes it
    /// lacks.
    public func model(
        for model: ModelSpec, gpu: GPUSpec, layout: ParallelLayout, allReduce: AllReduceAlgorithm? = nil,
        lookup: TableLookup = .interpolate, hostOverheadSeconds: Double = 0
    ) throws(ProfileError) -> MeasuredTableModel {
        let options = TableModelOptions(
            allReduce: allReduce ?? defaultAllReduce, lookup: lookup, hostOverheadSeconds: hostOverheadSeconds)
        switch self {
        case let .vidur(profile): return try profile.model(for: model, gpu: gpu, layout: layout, options: options)
        case let .aiconfigurator(profile): return try profile.model(for: model, gpu: gpu, layout: layout, options: options)
        }
    }
}

/// The scenario's choices that shape a `MeasuredTableModel`.
struct TableModelOptions {
    var allReduce: AllReduceAlgorithm
    var lookup: TableLookup
    var hostOverheadSeconds: Double
}

/// Why a profile cannot be read or does not cover a replica (one line, for `engine.profile`).
public struct ProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message.
    public var description: String

    init(_ description: String) { self.description = description }
}

/// A CSV file of a profile directory with its numbers read strictly (errors name file:line and
/// column).
struct ProfileTable {
    let name: String
    let table: CSVTable

    /// Reads `directory/name`, or an error naming the missing table.
    static func read(_ directory: String, _ name: String) throws(ProfileError) -> ProfileTable {
        guard let table = try readIfPresent(directory, name) else { throw ProfileError("\(name) not found in \(directory)") }
        return table
    }

    /// Reads `directory/name`; nil when the file does not exist.
    static func readIfPresent(_ directory: String, _ name: String) throws(ProfileError) -> ProfileTable? {
        let path = (directory as NSString).appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return ProfileTable(name: name, table: try CSVTable(contentsOfFile: path))
        } catch {
            throw ProfileError("\(name): \(error)")
        }
    }

    /// Indices of `names`, or an error naming the missing column.
    func columns(_ names: [String]) throws(ProfileError) -> [Int] {
        var result: [Int] = []
        for name in names {
            guard let index = table.header.firstIndex(of: name) else {
                throw ProfileError("\(self.name) has no column '\(name)'")
            }
            result.append(index)
        }
        return result
    }

    /// The field of `row` at `column` as a finite number.
    func number(_ row: Int, _ column: Int) throws(ProfileError) -> Double {
        let text = table.rows[row][column].trimmingCharacters(in: .whitespaces)
        guard let value = Double(text), value.isFinite else {
            throw ProfileError("\(name):\(table.rowLines[row]) column '\(table.header[column])': '\(text)' is not a number")
        }
        return value
    }

    /// The field of `row` at `column` as text.
    func text(_ row: Int, _ column: Int) -> String { table.rows[row][column] }
}
