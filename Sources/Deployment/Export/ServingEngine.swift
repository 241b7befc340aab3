import Planning

/// An inference engine's launch command for one process of a replica group: what
/// `VLLMExporter` and `SGLangExporter` write as text and `KubernetesExporter` puts in its pods.
/// ```
/// let engine: any ServingEngine = VLLMExporter()
/// let launch = try engine.invocation(groups[0], in: context, rank: .only)
/// print(launch.shellLine)   // vllm serve meta-llama/Llama-3.1-8B-Instruct --served-model-name …
/// ```
public protocol ServingEngine: Sendable {
    /// `vllm` or `sglang`.
    var engineName: String { get }
    /// The container image the Kubernetes manifests run unless `--image` says otherwise.
    var defaultImage: String { get }
    /// The command of one process of `group` at `rank`, its HTTP server on `context.port`.
    func invocation(_ group: ExportGroup, in context: LaunchContext, rank: ReplicaRank) throws(PlanningError) -> EngineInvocation
}

/// Which process of a replica a command starts: the only one (PP = 1), the leader (rank 0) of a
/// multi-node replica, which serves HTTP, or a worker whose rank is written as the target spells
/// it (`1`, or Kubernetes' `$(LWS_WORKER_INDEX)`).
public enum ReplicaRank: Sendable, Hashable {
    case only
    case leader
    case worker(String)

    /// The rank as written on the command line.
    public var text: String {
        switch self {
        case .only, .leader: "0"
        case .worker(let rank): rank
        }
    }
}

/// What the commands refer to besides the group: the HTTP port, how the target spells the
/// leader's address and the process's own address, and every group of the plan (a decode group's
/// flags depend on its model's prefill groups).
public struct LaunchContext: Sendable {
    public var port: Int
    /// The rank-0 machine's address, e.g. `$HEAD_ADDR` in a shell or `$(LWS_LEADER_ADDRESS)` in a pod.
    public var leaderAddress: String
    /// The process's own address.
    public var hostAddress: EnvironmentValue
    public var groups: [ExportGroup]

    public init(port: Int, leaderAddress: String, hostAddress: EnvironmentValue, groups: [ExportGroup]) {
        self.port = port
        self.leaderAddress = leaderAddress
        self.hostAddress = hostAddress
        self.groups = groups
    }
}

/// An environment variable's value: a literal, or the pod's IP (a shell gets `$HOST_IP`).
public enum EnvironmentValue: Sendable, Hashable {
    case literal(String)
    case podIP

    /// The value in a shell command (`"$HOST_IP"` for the pod's IP).
    public var shell: String {
        switch self {
        case .literal(let value): value
        case .podIP: "$HOST_IP"
        }
    }
}

/// A container port the process listens on besides its HTTP port.
public struct EnginePort: Sendable, Hashable {
    /// An IANA service name (at most 15 characters), e.g. `bootstrap`.
    public var name: String
    public var port: Int

    public init(name: String, port: Int) {
        self.name = name
        self.port = port
    }
}

/// An environment variable of a process.
public struct EnvironmentVariable: Sendable, Hashable {
    public var name: String
    public var value: EnvironmentValue

    public init(_ name: String, _ value: EnvironmentValue) {
        self.name = name
        self.value = value
    }
}

/// One process's command: environment, program and arguments, and the extra ports it opens.
public struct EngineInvocation: Sendable, Hashable {
    public var environment: [EnvironmentVariable]
    /// The executable and its fixed leading arguments, e.g. `["vllm", "serve"]`.
    public var program: [String]
    public var arguments: [String]
    public var ports: [EnginePort]

    public init(environment: [EnvironmentVariable] = [], program: [String], arguments: [String], ports: [EnginePort] = []) {
        self.environment = environment
        self.program = program
        self.arguments = arguments
        self.ports = ports
    }

    /// The command as one POSIX shell line: `NAME=value … program arguments…`, each word quoted
    /// where the shell would otherwise split or expand it, `$NAME` references left to expand.
    public var shellLine: String {
        let assignments = environment.map { $0.name + "=" + ShellWord.quote($0.value.shell) }
        return (assignments + (program + arguments).map(ShellWord.quote)).joined(separator: " ")
    }
}

/// Quoting of one shell word.
enum ShellWord {
    /// `word` bare when it has only safe characters; in double quotes when it refers to shell
    /// variables (`$NAME`, `${NAME}`) and has nothing else the double quotes would change; in
    /// single quotes otherwise.
    static func quote(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+,-")
        if !word.isEmpty, word.allSatisfy(safe.contains) { return word }
        if word.contains("$"), !word.contains(where: { "\"\\`!".contains($0) }), !word.contains("$(") {
            return "\"" + word + "\""
        }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension Double {
    /// The shortest decimal that reads back as the same value (`0.9`, not `0.90000000000000002`).
    var flagText: String {
        rounded() == self && abs(self) < 1e15 ? String(Int(self)) : "\(self)"
    }
}
