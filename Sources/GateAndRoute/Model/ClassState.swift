/// The five per-class quantities of the prefill–decode model, per GPU: the LP's x_i, y_{m,i},
/// y_{s,i}, q_{p,i}, q_{d,i} or the CTMC's time averages of X_i/n, Y_{m,i}/n, Y_{s,i}/n, Q_{p,i}/n,
/// Q_{d,i}/n. `Value` is `Double` for one plan or run, `Estimate` over seeds, `Double?` where a
/// simulator does not measure them (written `null`).
///
/// Types that carry a class's state (`ClassPlan`, `CTMCClassResult`, …) encode its five keys beside
/// their own (flat), and read them as their own members:
/// ```
/// let plan = ClassPlan(name: "code", state: ClassState(prefillOccupancy: 0.018, mixedDecodeOccupancy: 0,
///                      soloDecodeOccupancy: 10.3, prefillQueue: 0.32, decodeQueue: 0))
/// plan.prefillQueue   // 0.32
/// ```
public struct ClassState<Value> {
    /// x_i: fraction of GPUs running a class-i prefill.
    public var prefillOccupancy: Value
    /// y_{m,i}: class-i decode streams per GPU at mixed speed.
    public var mixedDecodeOccupancy: Value
    /// y_{s,i}: class-i decode streams per GPU at solo speed.
    public var soloDecodeOccupancy: Value
    /// q_{p,i}: class-i jobs per GPU waiting for prefill.
    public var prefillQueue: Value
    /// q_{d,i}: class-i jobs per GPU waiting for a decode slot.
    public var decodeQueue: Value

    public init(
        prefillOccupancy: Value, mixedDecodeOccupancy: Value, soloDecodeOccupancy: Value, prefillQueue: Value,
        decodeQueue: Value
    ) {
        self.prefillOccupancy = prefillOccupancy
        self.mixedDecodeOccupancy = mixedDecodeOccupancy
        self.soloDecodeOccupancy = soloDecodeOccupancy
        self.prefillQueue = prefillQueue
        self.decodeQueue = decodeQueue
    }

    /// Each of the five quantities transformed by `transform`.
    public func map<Other>(_ transform: (Value) throws -> Other) rethrows -> ClassState<Other> {
        ClassState<Other>(
            prefillOccupancy: try transform(prefillOccupancy), mixedDecodeOccupancy: try transform(mixedDecodeOccupancy),
            soloDecodeOccupancy: try transform(soloDecodeOccupancy), prefillQueue: try transform(prefillQueue),
            decodeQueue: try transform(decodeQueue))
    }

    /// Each quantity combined over `states` by `combine` (e.g. `Estimate.init` over seeds).
    public static func combining<Element>(_ states: [ClassState<Element>], _ combine: ([Element]) -> Value) -> ClassState<Value> {
        ClassState(
            prefillOccupancy: combine(states.map(\.prefillOccupancy)),
            mixedDecodeOccupancy: combine(states.map(\.mixedDecodeOccupancy)),
            soloDecodeOccupancy: combine(states.map(\.soloDecodeOccupancy)),
            prefillQueue: combine(states.map(\.prefillQueue)), decodeQueue: combine(states.map(\.decodeQueue)))
    }
}

extension ClassState: Sendable where Value: Sendable {}
extension ClassState: Equatable where Value: Equatable {}
extension ClassState: Hashable where Value: Hashable {}
/// Synthesized: a `Double?` state writes `null` for each absent value (the generic property is not
/// an optional to the synthesizer), so the keys are always there.
extension ClassState: Encodable where Value: Encodable {}
extension ClassState: Decodable where Value: Decodable {}

/// A per-class record that carries a `ClassState`: its five quantities read as the record's own
/// members and are encoded beside the record's other keys.
@dynamicMemberLookup
public protocol CarriesClassState {
    associatedtype StateValue
    var name: String { get }
    var state: ClassState<StateValue> { get set }
}

extension CarriesClassState {
    public subscript<Member>(dynamicMember keyPath: WritableKeyPath<ClassState<StateValue>, Member>) -> Member {
        get { state[keyPath: keyPath] }
        set { state[keyPath: keyPath] = newValue }
    }
}
