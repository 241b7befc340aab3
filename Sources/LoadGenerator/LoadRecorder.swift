import NIOConcurrencyHelpers
import ServingModel
import Simulation

/// What a run has measured so far, shared by its requests under one lock: each request's outcome
/// (by request id), the inter-token gaps of each class in constant-memory histograms, and the
/// counts of sent, dropped, finished and in-flight requests. Memory: one optional outcome per
/// scheduled request plus the histograms, whatever the tokens.
///
/// ```swift
/// let recorder = LoadRecorder(schedule: schedule, maxInFlight: 100)
/// if recorder.admit() { … recorder.finish(request, outcome) }
/// ```
public final class LoadRecorder: Sendable {
    struct State {
        var outcomes: [RequestOutcome?]
        var dropped: [Bool]
        /// Inter-token gaps by class, and of every class.
        var gaps: [LatencyHistogram]
        var allGaps = LatencyHistogram()
        var inFlight = 0
        var peakInFlight = 0
        var sent = 0
        var droppedCount = 0
        var finished = 0
        var failed = 0
    }

    private let state: NIOLockedValueBox<State>
    private let classes: [Int]
    private let measured: [Bool]
    /// Most requests in flight at once.
    public let maxInFlight: Int

    /// A recorder for `schedule`'s requests (outcomes indexed by position in the schedule).
    public init(schedule: LoadSchedule, maxInFlight: Int) {
        self.maxInFlight = maxInFlight
        classes = schedule.requests.map(\.classIndex)
        measured = schedule.requests.map { schedule.isMeasured($0) }
        state = NIOLockedValueBox(State(
            outcomes: Array(repeating: nil, count: schedule.requests.count),
            dropped: Array(repeating: false, count: schedule.requests.count),
            gaps: Array(repeating: LatencyHistogram(), count: schedule.classNames.count)))
    }

    /// Takes a slot for the request at `position` when fewer than `maxInFlight` are in flight (true);
    /// otherwise records it as dropped (false).
    public func admit(_ position: Int) -> Bool {
        state.withLockedValue { state in
            guard state.inFlight < maxInFlight else {
                state.dropped[position] = true
                state.droppedCount += 1
                return false
            }
            state.inFlight += 1
            state.sent += 1
            state.peakInFlight = max(state.peakInFlight, state.inFlight)
            return true
        }
    }

    /// Records one inter-token gap of the request at `position` (measured requests only).
    public func recordGap(_ position: Int, _ seconds: Double) {
        guard measured[position] else { return }
        state.withLockedValue { state in
            state.gaps[classes[position]].record(seconds)
            state.allGaps.record(seconds)
        }
    }

    /// Records the outcome of the request at `position` and frees its slot.
    public func finish(_ position: Int, _ outcome: RequestOutcome) {
        state.withLockedValue { state in
            state.outcomes[position] = outcome
            state.inFlight -= 1
            state.finished += 1
            if outcome.failure != nil { state.failed += 1 }
        }
    }

    /// Counts so far, for progress lines.
    public var counts: (sent: Int, dropped: Int, inFlight: Int, finished: Int, failed: Int) {
        state.withLockedValue { ($0.sent, $0.droppedCount, $0.inFlight, $0.finished, $0.failed) }
    }

    /// Everything recorded: outcomes (nil for a dropped request), dropped flags, gap histograms by
    /// class and of all classes, the peak in flight.
    func snapshot() -> LoadRecording {
        state.withLockedValue {
            LoadRecording(outcomes: $0.outcomes, dropped: $0.dropped, gaps: $0.gaps, allGaps: $0.allGaps, peakInFlight: $0.peakInFlight)
        }
    }
}

/// A copy of what a `LoadRecorder` holds, for the report.
struct LoadRecording {
    var outcomes: [RequestOutcome?]
    var dropped: [Bool]
    var gaps: [LatencyHistogram]
    var allGaps: LatencyHistogram
    var peakInFlight: Int
}
