/// Requests drawn from request classes up to a time horizon.
///
/// Class `i` draws everything from its own generator, `SeededRandom(seed: seed).substream(i)`:
/// first the gap to its first arrival, then for each request its prompt length, its output
/// length and the gap to its next arrival. A class's requests therefore depend only on the seed,
/// its index and its own definition, not on the other classes. The classes' streams are merged by
/// arrival time (ties go to the lower class index) and numbered 0, 1, 2, … in that order.
/// Arrivals start after time 0 and stop before `horizon` (every arrival time is in `(0, horizon)`).
public struct SyntheticWorkload: RequestSource, Sendable {
    private let classes: [RequestClass]
    private let horizon: Double
    private var generators: [SeededRandom]
    /// The next arrival time of each class (not yet returned).
    private var nextArrival: [Double]
    private var nextID = 0

    /// Requests of `classes` arriving before `horizon` seconds, reproducible from `seed`.
    public init(classes: [RequestClass], horizon: Double, seed: UInt64) {
        self.classes = classes
        self.horizon = horizon
        let root = SeededRandom(seed: seed)
        generators = classes.indices.map { root.substream(UInt64($0)) }
        nextArrival = []
        for index in classes.indices {
            nextArrival.append(classes[index].arrivals.nextGap(&generators[index]))
        }
    }

    public mutating func next() -> Request? {
        var chosen: Int?
        for index in classes.indices where nextArrival[index] < horizon {
            if chosen == nil || nextArrival[index] < nextArrival[chosen!] { chosen = index }
        }
        guard let index = chosen else { return nil }
        let requestClass = classes[index]
        let request = Request(
            id: nextID, classIndex: index, arrivalTime: nextArrival[index],
            promptTokens: requestClass.promptTokens.sample(&generators[index]),
            outputTokens: requestClass.outputTokens.sample(&generators[index]))
        nextArrival[index] += requestClass.arrivals.nextGap(&generators[index])
        nextID += 1
        return request
    }
}
