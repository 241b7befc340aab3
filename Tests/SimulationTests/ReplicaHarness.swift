import ServingModel
@testable import Simulation

/// One replica's scheduler driven by hand, as the engine drives it: a test adds requests, starts an
/// iteration (getting its batch shape, timed by `model`), and ends it; a finished prefill decodes on
/// (or completes), a finished stream leaves. Request `i` is the `i`-th one added.
struct ReplicaHarness {
    var scheduler: ContinuousBatchingScheduler
    var table = RequestTable()
    let model: any IterationTimeModel
    private var slots: [Int32] = []
    private var ids: [Int32: Int] = [:]
    /// The clock: the end of the last iteration.
    private(set) var now = 0.0
    private var duration = 0.0
    /// When each request (by index) emitted its first token and its last one.
    private(set) var firstTokens: [Int: Double] = [:]
    private(set) var completions: [Int: Double] = [:]
    /// Requests admitted, preempted and rejected by the last `start()`.
    private(set) var changes = SchedulingChanges()

    init(
        _ rule: BatchingRule, batchSize: Int, chunkSize: Int, kvTokens: Int, blockSize: Int, watermark: Double = 0,
        model: any IterationTimeModel = ConstantIterationTime(seconds: 1)
    ) {
        self.model = model
        scheduler = ContinuousBatchingScheduler(configuration: ReplicaConfiguration(
            name: "r", iterationModel: ConstantIterationTime(seconds: 1), batchSize: batchSize, chunkSize: chunkSize,
            kvCapacityTokens: kvTokens, scheduler: rule, blockSize: blockSize, watermark: watermark))
    }

    /// Queues a request; returns its index.
    @discardableResult
    mutating func add(prompt: Int, output: Int) -> Int {
        let slot = table.insert(RequestRecord(
            id: slots.count, classIndex: 0, arrival: now, promptTokens: Int32(prompt), outputTokens: Int32(output),
            prefillTarget: Int32(prompt), measured: true))
        ids[slot] = slots.count
        slots.append(slot)
        scheduler.enqueue(slot)
        return slots.count - 1
    }

    /// Forms the next batch (nil: idle).
    mutating func start() -> BatchShape? {
        changes = SchedulingChanges()
        let shape = scheduler.startIteration(now: now, table: &table, changes: &changes)
        duration = shape.map(model.iterationSeconds) ?? 0
        return shape
    }

    /// Ends the iteration after its `model` time; returns the requests that emitted their first (or
    /// post-recompute) token by prefill and those that completed, by index.
    @discardableResult
    mutating func end() -> (prefilled: [Int], completed: [Int]) {
        now += duration
        scheduler.endIteration(now: now, table: &table)
        var prefilled: [Int] = []
        var completed: [Int] = []
        while let slot = scheduler.nextFinishedPrefill() {
            let index = ids[slot] ?? -1
            prefilled.append(index)
            if firstTokens[index] == nil { firstTokens[index] = now }
            if table[slot].generated >= table[slot].outputTokens {
                completed.append(index)
                completions[index] = now
                scheduler.release(slot, table: &table)
            } else {
                scheduler.startDecoding(slot, table: &table)
            }
        }
        while let slot = scheduler.nextFinishedStream(table: table) {
            completed.append(ids[slot] ?? -1)
            completions[ids[slot] ?? -1] = now
            scheduler.release(slot, table: &table)
        }
        return (prefilled, completed)
    }

    /// The record of request `index`.
    func record(_ index: Int) -> RequestRecord { table[slots[index]] }

    /// The replica's self-check (empty when its counters agree with its queues).
    var problems: [String] { scheduler.census(table: table).problems }
}

/// A batch shape from its chunks (tokens, cached context) and decodes.
func batch(chunks: [(Int, Int)] = [], decodes: Int = 0, decodeContext: Int = 0) -> BatchShape {
    var shape = BatchShape(decodeStreams: decodes, decodeContextTokens: decodeContext)
    for (tokens, context) in chunks { shape.addPrefillChunk(tokens: tokens, context: context) }
    return shape
}

/// `count` replicas with `rule`'s batching.
func replicas(
    _ count: Int, rule: BatchingRule, model: any IterationTimeModel, batchSize: Int, chunkSize: Int, kv: Int,
    blockSize: Int, watermark: Double = 0
) -> [ReplicaConfiguration] {
    (0..<count).map {
        ReplicaConfiguration(
            name: "r\($0)", iterationModel: model, batchSize: batchSize, chunkSize: chunkSize, kvCapacityTokens: kv,
            scheduler: rule, blockSize: blockSize, watermark: watermark)
    }
}
