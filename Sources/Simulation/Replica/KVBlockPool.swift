/// A replica's KV cache in blocks, as vLLM and Vidur keep it: a request holds ⌈tokens / blockSize⌉
/// blocks, and admissions keep `watermarkBlocks` free (vLLM's `can_allocate`).
///
/// ```swift
/// var pool = KVBlockPool(capacityTokens: 1000, blockSize: 16, watermark: 0.01)   // 62 blocks, 0 kept free
/// if pool.canAdmit(pool.blocks(forTokens: 100)) { pool.used += 7 }
/// ```
struct KVBlockPool {
    let blockSize: Int
    /// ⌊capacity tokens / blockSize⌋.
    let total: Int
    /// ⌊watermark × total⌋ (vLLM's `watermark_blocks`).
    let watermarkBlocks: Int
    var used = 0

    init(capacityTokens: Int, blockSize: Int, watermark: Double) {
        self.blockSize = max(1, blockSize)
        total = max(0, capacityTokens) / self.blockSize
        watermarkBlocks = Int(Double(total) * min(max(watermark, 0), 1))
    }

    var free: Int { total - used }

    @inline(__always)
    func blocks(forTokens tokens: Int) -> Int { (tokens + blockSize - 1) / blockSize }

    /// Whether `blocks` more can be allocated to an admission, leaving `keepFree` blocks free.
    @inline(__always)
    func canAdmit(_ blocks: Int, keepFree: Int) -> Bool { free - blocks >= keepFree }

    /// Whether `blocks` can be allocated to an admission while keeping the watermark free.
    @inline(__always)
    func canAdmit(_ blocks: Int) -> Bool { canAdmit(blocks, keepFree: watermarkBlocks) }

    /// The most blocks an admission can ever get, with the cache empty.
    var admissibleBlocks: Int { total - watermarkBlocks }

    /// The blocks a decoding stream takes beyond those of its first `startContext − 1` tokens over
    /// `steps` decode steps (the step in flight included once reserved).
    @inline(__always)
    func decodeBlocks(startContext: Int, steps: Int) -> Int {
        blocks(forTokens: startContext - 1 + steps) - blocks(forTokens: startContext - 1)
    }
}

/// The decoding streams of a replica, counted by when their context crosses a block boundary: a
/// stream whose context (prompt + generated tokens) is c at decode tick d needs a new block in
/// that iteration when c ≡ 1 (mod blockSize). Its context grows by one per decode tick, so
/// (c − d) mod blockSize never changes; streams are counted by that residue and the number of
/// streams that need a block at the current tick is one array read.
struct BlockBoundaryBuckets {
    private var counts: [Int]
    /// (1 − d) mod blockSize at the current decode tick d: the residue of the streams that cross
    /// a boundary now.
    private var crossingResidue: Int

    init(blockSize: Int) {
        counts = [Int](repeating: 0, count: max(1, blockSize))
        crossingResidue = 1 % counts.count
    }

    @inline(__always)
    private func residue(_ value: Int) -> Int {
        let remainder = value % counts.count
        return remainder < 0 ? remainder + counts.count : remainder
    }

    /// A stream with context `context` at decode tick `tick` starts (or stops) being counted.
    @inline(__always)
    mutating func add(context: Int, tick: Int, _ delta: Int) { counts[residue(context - tick)] += delta }

    /// Streams that need a new block in the decode iteration of the current tick.
    @inline(__always)
    var crossing: Int { counts[crossingResidue] }

    /// Moves to the next decode tick.
    @inline(__always)
    mutating func advance() {
        crossingResidue = crossingResidue == 0 ? counts.count - 1 : crossingResidue - 1
    }
}
