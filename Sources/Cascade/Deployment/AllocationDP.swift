/// The dynamic program behind every exact GPU split: stage by stage, the best value of the first
/// stages on each number of GPUs, extended by every count the next stage accepts; the last stage
/// only to exactly N GPUs, so O((C − 1) · N²). Exact whenever `extend` preserves `isBetter` (a
/// better partial value stays better after the same extension), as max, min, sums and
/// lexicographic sums do. Of equally good splits it keeps, stage by stage from the last, the one
/// giving the later stage the most GPUs (the first found, scanning the earlier stages' GPUs upward).
enum AllocationDP {
    /// The best split of exactly `totalGPUs` over `stages` stages: `extend(value, stage, f)` is the
    /// value after giving stage `stage` f GPUs (nil where it cannot take f); nil when no split works.
    static func best<Value>(
        stages: Int, totalGPUs n: Int, start: Value, extend: (Value, Int, Int) -> Value?, isBetter: (Value, Value) -> Bool
    ) -> (gpus: [Int], value: Value)? {
        var best: [Value?] = (0...n).map { $0 == 0 ? start : nil }
        var choices: [[Int]] = []
        for stage in 0..<stages {
            var next = [Value?](repeating: nil, count: n + 1)
            var choice = [Int](repeating: -1, count: n + 1)
            let last = stage == stages - 1
            for used in 0...n {
                guard let sofar = best[used] else { continue }
                for f in (last ? n - used : 0)...(n - used) {
                    guard let value = extend(sofar, stage, f) else { continue }
                    if let current = next[used + f], !isBetter(value, current) { continue }
                    next[used + f] = value
                    choice[used + f] = f
                }
            }
            best = next
            choices.append(choice)
        }
        guard let final = best[n] else { return nil }
        var gpus = [Int](repeating: 0, count: stages)
        var remaining = n
        for stage in (0..<stages).reversed() {
            gpus[stage] = choices[stage][remaining]
            remaining -= gpus[stage]
        }
        return (gpus, final)
    }
}
