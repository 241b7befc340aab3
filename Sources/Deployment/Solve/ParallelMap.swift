import Dispatch
import Foundation

/// `map` over the cores: each element's work runs on `DispatchQueue.concurrentPerform`, the
/// results come back in the input's order.
func parallelMap<Element: Sendable, Result: Sendable>(_ items: [Element], _ transform: @Sendable (Element) -> Result) -> [Result] {
    let box = ResultBox<Result>(count: items.count)
    DispatchQueue.concurrentPerform(iterations: items.count) { index in
        box.set(index, transform(items[index]))
    }
    return box.values.compactMap { $0 }
}

/// The results of `parallelMap`, written under a lock.
private final class ResultBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [Value?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }
}
