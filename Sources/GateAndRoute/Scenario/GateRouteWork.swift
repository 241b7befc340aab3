import ServingModel
import Simulation

/// The simulator that evaluates gate-and-route policies.
public enum GateRouteFidelity: String, Sendable, Codable, CaseIterable {
    /// The paper's continuous-time Markov chain (`CTMCExperiment`).
    case ctmc
    /// The token-level simulator (`TokenLevelExperiment`).
    case token
}

/// The work of `simulate gate-route`, estimated before any run starts and checked against the
/// command's `WorkLimits`.
///
/// Arrivals: n·Σλ_i·T per run, over every cluster size n, policy and seed. A CTMC arrival costs
/// about 3 events at about 10 M events/s (README: 537 M events in 50 s), roughly 1/25 of a request
/// of the token-level simulator, and the CTMC keeps no per-request record; `ctmcArrivalsPerRequest`
/// CTMC arrivals count as one request against `--max-requests`. Memory: the per-GPU state arrays of
/// the largest n, plus, at worst, every arrival of one run waiting in a queue at once.
public struct GateRouteWork: Sendable {
    /// CTMC arrivals that count as one simulated request.
    public static let ctmcArrivalsPerRequest = 100.0
    /// Bytes per waiting CTMC job (FIFO entry, live index, sequence, position, class).
    static let ctmcBytesPerWaitingJob = 32.0

    public var instance: GateRouteInstance
    public var gpus: [Int]
    public var policies: Int
    public var horizon: Double
    public var seeds: Int
    public var fidelity: GateRouteFidelity

    public init(instance: GateRouteInstance, gpus: [Int], policies: Int, horizon: Double, seeds: Int, fidelity: GateRouteFidelity) {
        self.instance = instance
        self.gpus = gpus
        self.policies = policies
        self.horizon = horizon
        self.seeds = seeds
        self.fidelity = fidelity
    }

    /// Expected arrivals of one run on n GPUs.
    func arrivals(gpus n: Int) -> Double {
        Double(n) * instance.classes.reduce(0) { $0 + $1.arrivalRate } * horizon
    }

    /// Bytes of the CTMC's state arrays on n GPUs (K classes, B streams per GPU): per GPU its
    /// prefill, decode and pool entries, B decode slots with their class and index, and a slot per
    /// class and stream in the class's decode array.
    func ctmcStateBytes(gpus n: Int) -> Double {
        let k = Double(instance.classes.count)
        let b = Double(instance.engine.batchSize)
        return Double(n) * (46 + 8 * k + 8 * b + 4 * k * b)
    }

    /// Throws the one-line refusal when the estimate is over `limits`; `path` names what drives it.
    public func check(_ limits: WorkLimits, at path: String) throws(ScenarioError) {
        let total = gpus.reduce(0) { $0 + arrivals(gpus: $1) } * Double(policies * seeds)
        let largest = gpus.max() ?? 0
        switch fidelity {
        case .ctmc:
            try limits.check(
                requests: total / Self.ctmcArrivalsPerRequest,
                what: "request-equivalents (CTMC arrivals n·Σλ·T × policies × seeds over every n, "
                    + "\(Int(Self.ctmcArrivalsPerRequest)) to a request)", at: path)
            try limits.check(
                memoryBytes: ctmcStateBytes(gpus: largest) + arrivals(gpus: largest) * Self.ctmcBytesPerWaitingJob,
                what: "the CTMC on \(largest) GPUs (state arrays, and every arrival of a run waiting at worst)", at: path)
        case .token:
            try limits.check(
                requests: total, what: "simulated requests (n·Σλ·T × policies × seeds over every n)", at: path)
            try limits.check(
                memoryBytes: arrivals(gpus: largest) * SimulationWork.bytesPerRequest
                    + Double(largest) * SimulationWork.bytesPerReplica,
                what: "the token-level simulation on \(largest) GPUs (one run's requests in flight at worst)", at: path)
        }
    }
}
