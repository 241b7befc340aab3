import Foundation
import InferenceAPI
import Simulation
import Synchronization

/// A request's progress in the engine, cumulative, so a consumer that falls behind loses nothing by
/// reading only the newest value.
public struct TokenProgress: Sendable, Equatable {
    /// Output tokens emitted so far.
    public var emitted: Int
    /// True once the last token is out (or the request failed).
    public var finished: Bool
    /// Why the engine refused the request (its context can never fit the KV cache); nil otherwise.
    public var failure: InferenceAPIError?
}

/// The engine loop of a model-timed mock: one `LiveReplica` (the simulator's replica scheduler and
/// iteration-time model) run in wall-clock time. While work exists, iterations run back to back:
/// start (form the batch), sleep until the iteration's end on the monotonic clock, end (deliver a
/// token to each request that produced one), start the next. Iteration ends are absolute
/// deadlines (start of the run plus model time), so timer lateness does not accumulate; when idle
/// the loop waits for a submission and starts at that moment.
///
/// ```swift
/// let loop = MockEngineLoop(replica: configuration, metrics: MockEngineMetrics(modelName: "m"))
/// Task { await loop.run() }
/// for await progress in loop.submit(promptTokens: 512, outputTokens: 16) { print(progress.emitted) }
/// ```
public final class MockEngineLoop: Sendable {
    struct Stream {
        let continuation: AsyncStream<TokenProgress>.Continuation
        let promptTokens: Int
        let arrival: Double
        var emitted = 0
        var lastToken = 0.0
    }

    struct State {
        var replica: LiveReplica
        var streams: [LiveRequestID: Stream] = [:]
        /// True while the loop waits on `wake` for a submission.
        var idle = false
        /// When the submission that woke the idle loop arrived.
        var wokenAt: Double?
        var started = false
        var stopped = false
        /// True once the engine thread has ended; `run` callers wait for it.
        var finished = false
        var finishWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// A token delivery decided under the lock and yielded after it.
    private struct Delivery {
        var continuation: AsyncStream<TokenProgress>.Continuation
        var progress: TokenProgress
    }

    private let state: Mutex<State>
    /// Signalled when a submission arrives while the loop is idle, or when it must stop.
    private let wake = DispatchSemaphore(value: 0)
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant
    private let metrics: MockEngineMetrics
    /// Most waiting requests (submissions beyond it are refused).
    public let maxWaiting: Int

    public init(replica: ReplicaConfiguration, metrics: MockEngineMetrics, maxWaiting: Int = MockEngineConfig.defaultMaxWaiting) {
        state = Mutex(State(replica: LiveReplica(configuration: replica)))
        origin = clock.now
        self.metrics = metrics
        self.maxWaiting = maxWaiting
    }

    /// Seconds since the loop was created, on the monotonic clock.
    private var elapsed: Double {
        let duration = clock.now - origin
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// Running, waiting and KV usage now.
    public var load: MockEngineLoad {
        state.withLock { MockEngineLoad(running: $0.replica.runningCount, waiting: $0.replica.waitingCount, kvUsage: $0.replica.kvUsage) }
    }

    /// The longest prompt the replica can ever admit, in tokens.
    public var largestAdmissiblePrompt: Int { state.withLock { $0.replica.largestAdmissiblePrompt } }

    /// Queues a request; its progress arrives on the returned stream, which ends after the last
    /// token. Dropping or cancelling the stream aborts the request (its batch slot and KV cache are
    /// freed). Nil when `maxWaiting` requests are already waiting.
    public func submit(promptTokens: Int, outputTokens: Int) -> AsyncStream<TokenProgress>? {
        let (stream, continuation) = AsyncStream.makeStream(of: TokenProgress.self, bufferingPolicy: .bufferingNewest(1))
        let now = elapsed
        let admitted: (id: LiveRequestID, wake: Bool)? = state.withLock { state in
            guard !state.stopped, state.replica.waitingCount < maxWaiting else { return nil }
            let id = state.replica.submit(promptTokens: promptTokens, outputTokens: outputTokens, now: now)
            state.streams[id] = Stream(continuation: continuation, promptTokens: promptTokens, arrival: now)
            defer { state.idle = false }
            // The submission that wakes an idle engine starts its next iteration: the iteration's
            // deadline counts from here, whatever the thread's wake-up latency.
            if state.idle { state.wokenAt = now }
            return (id, state.idle)
        }
        guard let admitted else {
            continuation.finish()
            return nil
        }
        let id = admitted.id
        continuation.onTermination = { [weak self] termination in
            if case .cancelled = termination { self?.abort(id) }
        }
        if admitted.wake { wake.signal() }
        return stream
    }

    /// Takes a request out of the engine (its client went away).
    func abort(_ id: LiveRequestID) {
        state.withLock { state in
            state.streams[id] = nil
            state.replica.abort(id)
        }
    }

    /// Starts the engine thread (once; later calls do nothing). The iterations run on a thread of
    /// their own, so the engine keeps time whatever else the process's tasks do.
    public func start() {
        let first = state.withLock { state -> Bool in
            defer { state.started = true }
            return !state.started
        }
        guard first else { return }
        let thread = Thread { [self] in
            runIterations()
            let waiters = state.withLock { state in
                state.finished = true
                defer { state.finishWaiters.removeAll() }
                return state.finishWaiters
            }
            for waiter in waiters { waiter.resume() }
        }
        thread.name = "mock-engine loop"
        thread.qualityOfService = .userInteractive
        thread.start()
    }

    /// Stops the engine after the iteration in flight; every open stream ends.
    public func stop() {
        state.withLock { $0.stopped = true }
        wake.signal()
    }

    /// Starts the engine and returns when it has stopped: when the task is cancelled (or `stop`).
    public func run() async {
        start()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
                let done = state.withLock { state -> Bool in
                    if !state.finished { state.finishWaiters.append(finished) }
                    return state.finished
                }
                if done { finished.resume() }
            }
        } onCancel: {
            stop()
        }
    }

    /// The loop itself: iterations back to back while work exists, waiting for a submission when
    /// none does, until stopped.
    private func runIterations() {
        var start = elapsed
        var begun = state.withLock { state in beginIteration(&state, now: start) }
        while true {
            deliver(begun.deliveries)
            guard let seconds = begun.seconds else {
                let (stop, idle) = state.withLock { state -> (Bool, Bool) in
                    state.idle = !state.stopped && !state.replica.hasWork
                    return (state.stopped, state.idle)
                }
                if stop { break }
                // A submission between the lock and the wait has signalled already: the wait returns at once.
                if idle { wake.wait() }
                begun = state.withLock { state in
                    state.idle = false
                    start = state.wokenAt.map { min($0, elapsed) } ?? elapsed
                    state.wokenAt = nil
                    return beginIteration(&state, now: start)
                }
                continue
            }
            let end = start + seconds
            // Sleep to the absolute deadline, so a late wake-up does not delay the iterations after it.
            while case let remaining = end - elapsed, remaining > 0 { Thread.sleep(forTimeInterval: remaining) }
            var batch = MockEngineMetrics.Batch()
            let ended = state.withLock { state in
                var deliveries = finishIteration(&state, now: end, batch: &batch)
                let next = beginIteration(&state, now: end)
                deliveries += next.deliveries
                return (deliveries: deliveries, seconds: state.stopped ? nil : next.seconds, stopped: state.stopped)
            }
            metrics.record(batch)
            if ended.stopped {
                deliver(ended.deliveries)
                break
            }
            begun = (ended.deliveries, ended.seconds)
            start = end
        }
        let open = state.withLock { state in
            state.stopped = true
            defer { state.streams.removeAll() }
            return state.streams.values.map(\.continuation)
        }
        for continuation in open { continuation.finish() }
    }

    /// Starts the next iteration; rejected requests get their failure.
    private func beginIteration(_ state: inout State, now: Double) -> (deliveries: [Delivery], seconds: Double?) {
        let start = state.replica.startIteration(now: now)
        var deliveries: [Delivery] = []
        for rejection in start.rejected {
            guard let stream = state.streams.removeValue(forKey: rejection.id) else { continue }
            let error = InferenceAPIError.invalidRequest(
                "this request needs \(rejection.need) tokens of KV cache (\(rejection.reason.rawValue)) but at most "
                    + "\(rejection.capacity) can ever be given to it")
            deliveries.append(Delivery(continuation: stream.continuation, progress: TokenProgress(emitted: 0, finished: true, failure: error)))
        }
        return (deliveries, start.seconds)
    }

    /// Ends the iteration in flight at `now`: one token to each request that produced one.
    private func finishIteration(_ state: inout State, now: Double, batch: inout MockEngineMetrics.Batch) -> [Delivery] {
        let outcome = state.replica.endIteration(now: now)
        var deliveries: [Delivery] = []
        deliveries.reserveCapacity(outcome.decoded.count + outcome.prefilled.count)
        for id in outcome.decoded {
            guard var stream = state.streams[id] else { continue }
            batch.interTokens.append(now - stream.lastToken)
            stream.emitted += 1
            stream.lastToken = now
            state.streams[id] = stream
            batch.generationTokens += 1
        }
        for id in outcome.prefilled {
            guard var stream = state.streams[id] else { continue }
            if stream.emitted == 0 {
                batch.firstTokens.append(now - stream.arrival)
                batch.promptTokens += stream.promptTokens
            } else {
                batch.interTokens.append(now - stream.lastToken)
            }
            stream.emitted += 1
            stream.lastToken = now
            state.streams[id] = stream
            batch.generationTokens += 1
        }
        var finished: Set<LiveRequestID> = []
        for id in outcome.finished {
            finished.insert(id)
            guard let stream = state.streams.removeValue(forKey: id) else { continue }
            deliveries.append(Delivery(continuation: stream.continuation, progress: TokenProgress(emitted: stream.emitted, finished: true)))
        }
        for id in outcome.decoded + outcome.prefilled where !finished.contains(id) {
            guard let stream = state.streams[id] else { continue }
            deliveries.append(Delivery(continuation: stream.continuation, progress: TokenProgress(emitted: stream.emitted, finished: false)))
        }
        return deliveries
    }

    private func deliver(_ deliveries: [Delivery]) {
        for delivery in deliveries {
            delivery.continuation.yield(delivery.progress)
            if delivery.progress.finished { delivery.continuation.finish() }
        }
    }
}
