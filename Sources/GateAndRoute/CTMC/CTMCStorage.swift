import Foundation
import ServingModel

/// Flat storage for the CTMC's hot loop: fixed-size buffers of trivial values (no copy-on-write,
/// no uniqueness checks), index sets with O(1) insert, remove and uniform draw, and waiting lines
/// that are FCFS across classes yet let any member abandon in O(1) (amortised).

/// Owns the memory of every `FixedBuffer` made from it and frees it when the run ends.
final class CTMCArena {
    private var blocks: [UnsafeMutableRawPointer] = []

    func buffer<Element: BitwiseCopyable>(repeating value: Element, count: Int) -> FixedBuffer<Element> {
        let base = UnsafeMutablePointer<Element>.allocate(capacity: max(count, 1))
        base.initialize(repeating: value, count: max(count, 1))
        blocks.append(UnsafeMutableRawPointer(base))
        return FixedBuffer(base: base, count: count)
    }

    func buffer<Element: BitwiseCopyable>(_ values: [Element], padding: Element) -> FixedBuffer<Element> {
        let result = buffer(repeating: padding, count: values.count)
        for (index, value) in values.enumerated() { result[index] = value }
        return result
    }

    deinit {
        for block in blocks { block.deallocate() }
    }
}

/// A fixed-size buffer of trivial values owned by a `CTMCArena` (which must outlive it).
struct FixedBuffer<Element: BitwiseCopyable> {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    @inline(__always) subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}

/// A set of indices in 0..<capacity with O(1) insert, remove, membership and uniform draw
/// (members in an array, each member's position in a second array; removal swaps with the last).
struct IndexSet32 {
    let members: FixedBuffer<Int32>
    let positions: FixedBuffer<Int32>
    private(set) var count = 0

    init(capacity: Int, arena: CTMCArena) {
        members = arena.buffer(repeating: 0, count: capacity)
        positions = arena.buffer(repeating: -1, count: capacity)
    }

    @inline(__always) func contains(_ index: Int) -> Bool { positions[index] >= 0 }

    @inline(__always) mutating func insert(_ index: Int) {
        guard positions[index] < 0 else { return }
        members[count] = Int32(truncatingIfNeeded: index)
        positions[index] = Int32(truncatingIfNeeded: count)
        count += 1
    }

    @inline(__always) mutating func remove(_ index: Int) {
        let position = Int(positions[index])
        guard position >= 0 else { return }
        count -= 1
        let last = members[count]
        members[position] = last
        positions[Int(last)] = Int32(truncatingIfNeeded: position)
        positions[index] = -1
    }

    /// Insert or remove so that membership equals `present`.
    @inline(__always) mutating func set(_ index: Int, _ present: Bool) {
        if present { insert(index) } else { remove(index) }
    }

    @inline(__always) func member(at position: Int) -> Int { Int(members[position]) }
}

/// Jobs waiting in one line (a prefill queue or a decode buffer), by class.
///
/// Unordered lines keep counts only: within a class all waiting jobs are exchangeable (memoryless
/// patience, identical service), so FCFS within a class is invisible to the state process and a
/// count suffices. Ordered lines serve FCFS across classes: one FIFO of (entry, sequence) pairs for
/// the whole line plus, per class, a dense array of its live entries. An abandonment removes a
/// uniformly random live entry of its class and leaves a tombstone in the FIFO (recognised because the
/// entry's sequence number no longer matches), skipped when it reaches the head. Ordered lines only
/// ever serve their oldest job.
struct WaitingLine {
    let classes: Int
    let ordered: Bool
    /// Waiting jobs per class.
    let counts: FixedBuffer<Int>
    private(set) var total = 0

    private var fifo: [Int64] = []  // entry << 40 | sequence
    private var fifoHead = 0
    private var live: [[Int32]]  // per class: live entry ids
    private var entrySequence: [Int64] = []  // −1 when the entry is free
    private var entryPosition: [Int32] = []  // position in its class's live array
    private var entryClass: [Int32] = []
    private var freeEntries: [Int32] = []
    private var nextSequence: Int64 = 0

    init(classes: Int, ordered: Bool, arena: CTMCArena) {
        self.classes = classes
        self.ordered = ordered
        counts = arena.buffer(repeating: 0, count: classes)
        live = Array(repeating: [], count: ordered ? classes : 0)
    }

    private static let sequenceBits: Int64 = 40
    private static let sequenceMask: Int64 = (1 << 40) - 1

    /// A job of class `c` joins the tail.
    @inline(__always) mutating func push(_ c: Int) {
        counts[c] += 1
        total += 1
        if ordered { pushEntry(c) }
    }

    private mutating func pushEntry(_ c: Int) {
        let entry: Int
        if let reused = freeEntries.popLast() {
            entry = Int(reused)
        } else {
            entry = entrySequence.count
            entrySequence.append(-1)
            entryPosition.append(0)
            entryClass.append(0)
        }
        let sequence = nextSequence & Self.sequenceMask
        nextSequence += 1
        entrySequence[entry] = sequence
        entryPosition[entry] = Int32(truncatingIfNeeded: live[c].count)
        entryClass[entry] = Int32(truncatingIfNeeded: c)
        live[c].append(Int32(truncatingIfNeeded: entry))
        fifo.append(Int64(entry) << Self.sequenceBits | sequence)
    }

    /// A waiting job of class `c` starts service: any one of them in an unordered line; in an ordered
    /// line the oldest of the line, which must be of class `c` (see `oldestClass`).
    @inline(__always) mutating func popHead(_ c: Int) {
        counts[c] -= 1
        total -= 1
        guard ordered else { return }
        let entry = advanceToHead()
        assert(Int(entryClass[entry]) == c, "an ordered line serves its oldest job only")
        fifoHead += 1
        release(entry, of: c)
        compact()
    }

    /// A uniformly random waiting job of class `c` leaves; `position` is uniform in 0..<counts[c].
    @inline(__always) mutating func remove(_ c: Int, position: Int) {
        counts[c] -= 1
        total -= 1
        guard ordered else { return }
        release(Int(live[c][position]), of: c)
        compact()
    }

    /// The class of the oldest waiting job, or −1 when the line is empty (ordered lines only).
    mutating func oldestClass() -> Int {
        guard total > 0 else { return -1 }
        return Int(entryClass[advanceToHead()])
    }

    /// Skips tombstones at the head of the FIFO and returns the live head entry (line not empty).
    private mutating func advanceToHead() -> Int {
        while true {
            let packed = fifo[fifoHead]
            let entry = Int(packed >> Self.sequenceBits)
            if entrySequence[entry] == packed & Self.sequenceMask { return entry }
            fifoHead += 1
        }
    }

    private mutating func release(_ entry: Int, of c: Int) {
        let position = Int(entryPosition[entry])
        let last = live[c].removeLast()
        if Int(last) != entry {
            live[c][position] = last
            entryPosition[Int(last)] = Int32(truncatingIfNeeded: position)
        }
        entrySequence[entry] = -1
        freeEntries.append(Int32(truncatingIfNeeded: entry))
    }

    /// Bounds the tombstones: empties the FIFO with the line, filters it when abandoned entries
    /// outnumber live ones, and drops the consumed prefix once it is most of the FIFO (amortised O(1)).
    private mutating func compact() {
        let length = fifo.count
        if total == 0 {
            fifo.removeAll(keepingCapacity: true)
            fifoHead = 0
        } else if length - fifoHead > 2 * total + 1024 {
            let sequences = entrySequence
            fifo = fifo[fifoHead...].filter { sequences[Int($0 >> Self.sequenceBits)] == $0 & Self.sequenceMask }
            fifoHead = 0
        } else if fifoHead >= 1024, fifoHead * 2 >= length {
            fifo.removeFirst(fifoHead)
            fifoHead = 0
        }
    }
}

/// Exponential(1) variates by the ziggurat method of Marsaglia & Tsang (2000, J. Stat. Softw. 5(8)),
/// 256 levels, drawn from a `SeededRandom`: level from the low 8 bits of one 64-bit draw, abscissa
/// from its high 32 bits (independent bits, unlike the original's shared 32-bit word). About 99% of
/// draws take the fast path (one draw, one compare, one multiply); the rest fall back to exact
/// rejection or, in the base strip, to r − log U.
struct ZigguratExponential {
    let ke: FixedBuffer<UInt64>
    let we: FixedBuffer<Double>
    let fe: FixedBuffer<Double>

    static let r = 7.697117470131487
    private static let area = 3.949659822581572e-3

    init(arena: CTMCArena) {
        ke = arena.buffer(repeating: 0, count: 256)
        we = arena.buffer(repeating: 0, count: 256)
        fe = arena.buffer(repeating: 0, count: 256)
        let m2 = 4_294_967_296.0
        var de = Self.r
        var te = de
        let q = Self.area / Foundation.exp(-de)
        ke[0] = UInt64((de / q) * m2)
        ke[1] = 0
        we[0] = q / m2
        we[255] = de / m2
        fe[0] = 1
        fe[255] = Foundation.exp(-de)
        for i in stride(from: 254, through: 1, by: -1) {
            de = -Foundation.log(Self.area / de + Foundation.exp(-de))
            ke[i + 1] = UInt64((de / te) * m2)
            te = de
            fe[i] = Foundation.exp(-de)
            we[i] = de / m2
        }
    }

    @inline(__always) func next(_ rng: inout SeededRandom) -> Double {
        let bits = rng.next()
        let level = Int(bits & 255)
        let abscissa = bits >> 32
        if abscissa < ke[level] { return Double(abscissa) * we[level] }
        return slowPath(&rng, level: level, abscissa: abscissa)
    }

    private func slowPath(_ rng: inout SeededRandom, level: Int, abscissa: UInt64) -> Double {
        var level = level
        var abscissa = abscissa
        while true {
            if level == 0 { return Self.r - Foundation.log(rng.uniform()) }
            let x = Double(abscissa) * we[level]
            if fe[level] + rng.uniform() * (fe[level - 1] - fe[level]) < Foundation.exp(-x) { return x }
            let bits = rng.next()
            level = Int(bits & 255)
            abscissa = bits >> 32
            if abscissa < ke[level] { return Double(abscissa) * we[level] }
        }
    }
}
