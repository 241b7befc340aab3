import ServingModel

/// The state of one request while it is in the system.
struct RequestRecord {
    var id: Int
    var classIndex: Int32
    var arrival: Double
    var promptTokens: Int32
    var outputTokens: Int32
    /// Tokens to prefill before the next token: the prompt, or prompt + generated after a preemption.
    var prefillTarget: Int32
    /// Tokens of `prefillTarget` already prefilled.
    var prefilled: Int32 = 0
    /// Output tokens produced so far.
    var generated: Int32 = 0
    /// KV-cache blocks it holds on its replica: its prefill's (all of them on admission, or chunk by
    /// chunk under vllm-v1); while decoding, the blocks its decode steps took since
    /// `decodeStartTick` are counted apart and folded in when it stops decoding.
    var kvHeld: Int32 = 0
    /// Decoding: emits one token per decode tick of its replica since `decodeStartTick`.
    var isDecoding = false
    var decodeStartTick = 0
    var generatedAtDecodeStart: Int32 = 0
    /// Changes when the stream stops decoding, so its scheduled finish goes stale.
    var decodeEpoch: UInt64 = 0
    /// Replica it is queued or running on (-1 while held by the cluster).
    var replica: Int32 = -1
    /// When it was first scheduled (nan until then).
    var firstScheduled: Double = .nan
    var firstToken: Double = .nan
    var preemptions: Int32 = 0
    /// Waiting (not yet admitted to a batch, or preempted back to the queue).
    var isWaiting = true
    var abandoned = false
    /// Counted in metrics (arrived after the warm-up).
    var measured: Bool

    var isPrefilling: Bool { prefilled < prefillTarget }

    /// Decode tokens produced by the end of replica tick `tick`.
    func decodedTokens(atTick tick: Int) -> Int32 { Int32(tick - decodeStartTick) }
}

/// In-flight requests in reusable slots, so memory is bounded by what is in the system, not by
/// the horizon. A slot's generation changes on reuse, which lets stale events be ignored.
struct RequestTable {
    private(set) var records: [RequestRecord] = []
    private(set) var generations: [UInt32] = []
    private var free: [Int32] = []
    private(set) var live = 0
    /// The last decode epoch handed out (one sequence for the whole run, so an epoch never repeats
    /// whichever replica a stream decodes on).
    private var lastDecodeEpoch: UInt64 = 0

    mutating func insert(_ record: RequestRecord) -> Int32 {
        live += 1
        if let slot = free.popLast() {
            records[Int(slot)] = record
            return slot
        }
        records.append(record)
        generations.append(0)
        return Int32(records.count - 1)
    }

    mutating func remove(_ slot: Int32) {
        live -= 1
        generations[Int(slot)] &+= 1
        free.append(slot)
    }

    /// A fresh decode epoch for a stream that starts decoding.
    mutating func nextDecodeEpoch() -> UInt64 {
        lastDecodeEpoch &+= 1
        return lastDecodeEpoch
    }

    @inline(__always)
    subscript(slot: Int32) -> RequestRecord {
        get { records[Int(slot)] }
        _modify { yield &records[Int(slot)] }
    }
}
