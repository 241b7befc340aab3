import Deployment
import Foundation
import Planning
import Testing

/// The plan the export tests write out, and what the tests know about it independently of the
/// exporters: the Hugging Face repositories and GPU product labels looked up by hand.
enum DeployExportFixtures {
    /// Aggregated (PP 1), prefill and decode of one model on two GPU types, and a multi-node PP 2 group.
    static let groups: [DeploymentGroup] = [
        DeploymentGroup(
            model: "llama-3.1-8b", gpu: "H100-80GB", tp: 1, pp: 1, role: .aggregated, count: 4, maxBatch: 128, chunkTokens: 8192,
            memoryUtilization: 0.9, kvCapacityTokens: 400_000, capacityPerReplica: 12.5, nodes: [0]),
        DeploymentGroup(
            model: "llama-3.1-70b", gpu: "H100-80GB", tp: 4, pp: 1, role: .prefill, count: 2, maxBatch: 16, chunkTokens: 16384,
            memoryUtilization: 0.9, kvCapacityTokens: 300_000, capacityPerReplica: 3, nodes: [1]),
        DeploymentGroup(
            model: "llama-3.1-70b", gpu: "H200-141GB", tp: 8, pp: 1, role: .decode, count: 1, maxBatch: 256, chunkTokens: 2048,
            memoryUtilization: 0.85, kvCapacityTokens: 900_000, capacityPerReplica: 6, nodes: [0]),
        DeploymentGroup(
            model: "llama-3.1-405b", gpu: "A100-80GB", tp: 8, pp: 2, role: .aggregated, count: 1, maxBatch: 64, chunkTokens: 4096,
            memoryUtilization: 0.92, kvCapacityTokens: 100_000, capacityPerReplica: 1.5, nodes: [0, 1]),
    ]

    /// Catalog model → repository, from the models' Hugging Face pages.
    static let repositories = [
        "llama-3.1-8b": "meta-llama/Llama-3.1-8B-Instruct", "llama-3.1-70b": "meta-llama/Llama-3.1-70B-Instruct",
        "llama-3.1-405b": "meta-llama/Llama-3.1-405B-Instruct",
    ]

    /// Catalog GPU → GFD product label (nvidia-smi's product name, spaces as '-').
    static let labels = [
        "H100-80GB": "NVIDIA-H100-80GB-HBM3", "H200-141GB": "NVIDIA-H200", "A100-80GB": "NVIDIA-A100-SXM4-80GB",
    ]

    static func plan(name: String = "plan", groups: [DeploymentGroup] = groups) -> DeployPlan {
        DeployPlan(
            name: name, objective: "min-cost", groups: groups,
            models: [ModelOutcome(
                name: "llama-3.1-8b", demandRate: 40, plannedRate: 50,
                slo: SLOReport(ttftQuantile: 0.9, ttftSeconds: 1, tpotQuantile: 0.9, tpotSeconds: 0.05, attainment: 0.9))],
            costPerHour: 100, gpusUsed: [GPUUsage(gpu: "H100-80GB", gpus: 12, nodes: 2, available: 16, costPerHour: 48)])
    }

    /// A `plan deploy --json` report around `plan` and `baselines`, as JSON text.
    static func report(_ plan: DeployPlan, baselines: [DeployPlan] = []) throws -> String {
        struct Report: Encodable {
            var schemaVersion = 1
            var kind = "plan-deploy"
            var plan: DeployPlan
            var baselines: [DeployPlan]
            var seeds: [UInt64] = []
            var evaluations: [Int] = []
            var notes: [String] = []
        }
        return String(decoding: try JSONEncoder().encode(Report(plan: plan, baselines: baselines)), as: UTF8.self)
    }
}

/// A launch command read back: environment assignments, the program's words, the positional
/// arguments and each flag's value (nil for a flag without one), parsed from shell words.
struct ParsedCommand {
    var environment: [String: String] = [:]
    var program: [String] = []
    var positional: [String] = []
    var flags: [String: String?] = [:]

    /// Flags that take no value.
    static let switches: Set<String> = ["--headless"]

    /// `words` split into environment, `programLength` program words, and arguments.
    init(words: [String], programLength: Int) {
        var rest = words[...]
        while let word = rest.first, let equals = word.firstIndex(of: "="), word[..<equals].allSatisfy({ $0.isUppercase || $0 == "_" }) {
            environment[String(word[..<equals])] = String(word[word.index(after: equals)...])
            rest = rest.dropFirst()
        }
        program = Array(rest.prefix(programLength))
        rest = rest.dropFirst(programLength)
        while let word = rest.first {
            rest = rest.dropFirst()
            if word.hasPrefix("--") {
                #expect(flags[word] == nil, "flag \(word) given twice")
                if Self.switches.contains(word) {
                    flags[word] = .some(nil)
                } else {
                    flags[word] = rest.first
                    rest = rest.dropFirst()
                }
            } else {
                positional.append(word)
            }
        }
    }

    /// The value of `flag` (nil when absent or a switch).
    func value(_ flag: String) -> String? { flags[flag] ?? nil }
}

/// POSIX shell word splitting for the subset the exporters write: bare words, '…', "…" (no escapes
/// inside either) and a backslash escaping the next character outside quotes (as in '\''); `$NAME`
/// is kept as written.
enum ShellWords {
    static func split(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\\" {
                escaped = true
                inWord = true
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == " " {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        #expect(quote == nil, "unterminated quote in: \(line)")
        if inWord { words.append(current) }
        return words
    }

    /// The commands of a launch script: its lines that are neither blank nor comments.
    static func commands(in script: String) -> [[String]] {
        script.split(separator: "\n").map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("#") }.map(split)
    }
}
