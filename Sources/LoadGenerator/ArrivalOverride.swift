import ServingModel

/// The command line's changes to a workload's arrivals (`--rate`, `--arrival`, `--cv`): a total
/// rate in requests per second (each class keeps its share), and a process replacing every class's
/// (Poisson, or gamma with a coefficient of variation). On a trace, the rate compresses or
/// stretches its arrival times, and a process draws new arrival times (the requests' lengths and
/// order kept) at the trace's mean rate or the given one.
///
/// ```swift
/// let workload = try ArrivalOverride(rate: 8, process: .gamma, cv: 2).apply(to: scenario.workload, seed: 1)
/// ```
public struct ArrivalOverride: Sendable, Hashable {
    /// Which renewal process replaces the arrivals.
    public enum Process: String, Sendable, CaseIterable {
        case poisson
        case gamma
    }

    /// Total requests per second (nil: unchanged).
    public var rate: Double?
    /// The arrival process (nil: unchanged).
    public var process: Process?
    /// The gamma process's coefficient of variation (default 1, or the class's own burstiness).
    public var cv: Double?

    public init(rate: Double? = nil, process: Process? = nil, cv: Double? = nil) {
        self.rate = rate
        self.process = process
        self.cv = cv
    }

    /// Whether it changes nothing.
    public var isEmpty: Bool { rate == nil && process == nil && cv == nil }

    /// `workload` with the override applied; `seed` draws a trace's new arrival times.
    /// - Throws: `ScenarioError` at the flag that is out of range or does not apply.
    public func apply(to workload: Workload, seed: UInt64) throws(ScenarioError) -> Workload {
        if let rate, !(rate > 0 && rate <= ScenarioMaxima.arrivalRate) {
            throw ScenarioError(path: "--rate", "must be > 0 and <= \(Self.plain(ScenarioMaxima.arrivalRate)) requests/s, got \(rate)")
        }
        if let cv {
            guard cv >= 0 && cv <= ScenarioMaxima.burstiness else { throw ScenarioError(path: "--cv", "must be between 0 and \(Self.plain(ScenarioMaxima.burstiness)), got \(cv)") }
            guard process == .gamma else { throw ScenarioError(path: "--cv", "applies only with --arrival gamma") }
        }
        switch workload {
        case let .synthetic(classes):
            let total = classes.reduce(0) { $0 + $1.arrivals.rate }
            let factor = rate.map { $0 / total } ?? 1
            return .synthetic(classes.map { requestClass in
                var changed = requestClass
                changed.arrivals = arrivals(requestClass.arrivals, rate: requestClass.arrivals.rate * factor)
                return changed
            })
        case let .trace(path, requests, classNames):
            guard let last = requests.last, last.arrivalTime > 0 else {
                if isEmpty { return workload }
                throw ScenarioError(path: rate != nil ? "--rate" : "--arrival", "the trace's requests all arrive at time 0: it has no rate to change")
            }
            let meanRate = Double(requests.count) / last.arrivalTime
            var retimed = requests
            if let process {
                let target = rate ?? meanRate
                let replacement = process == .poisson ? ArrivalProcess.poisson(rate: target) : .gamma(rate: target, cv: cv ?? 1)
                var random = SeededRandom(seed: seed)
                var time = 0.0
                for index in retimed.indices {
                    time += replacement.nextGap(&random)
                    retimed[index].arrivalTime = time
                }
            } else if let rate {
                for index in retimed.indices { retimed[index].arrivalTime *= meanRate / rate }
            }
            return .trace(path: path, requests: retimed, classNames: classNames)
        }
    }

    /// A number as written in a message: whole numbers without a fraction.
    static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    private func arrivals(_ current: ArrivalProcess, rate: Double) -> ArrivalProcess {
        switch (process, current) {
        case (.poisson?, _), (nil, .poisson): return .poisson(rate: rate)
        case let (.gamma?, .gamma(_, own)): return .gamma(rate: rate, cv: cv ?? own)
        case (.gamma?, .poisson): return .gamma(rate: rate, cv: cv ?? 1)
        case let (nil, .gamma(_, own)): return .gamma(rate: rate, cv: own)
        }
    }
}
