/// Mélange's request-size buckets: a grid of prompt-length × output-length ranges, each holding
/// its share of the workload sample.
///
/// Boundaries follow the Mélange release's README ("1-25, 25-100, 100-250, ...") and double past
/// 1,000 tokens: a length L falls in the first range (previous bound, bound] with L ≤ bound; the
/// last range is open.
/// ```
/// let buckets = MelangeBuckets(sample: [(1024, 256), (80, 20)])
/// print(buckets.cells.map(\.share))   // [0.5, 0.5]
/// ```
struct MelangeBuckets {
    /// Upper bounds (inclusive) of the length ranges, for prompts and outputs alike.
    static let bounds = [25, 100, 250, 500, 1000, 2000, 4000, 8000, 16000, 32000, 64000]

    /// One non-empty bucket: its range indices, share of the sample, and the sample's requests in it.
    struct Cell {
        var promptRange: Int
        var outputRange: Int
        var share: Double
        var requests: [(prompt: Int, output: Int)]

        /// E.g. `1000-2000 × 250-500 tokens`.
        var label: String {
            "\(MelangeBuckets.rangeLabel(promptRange)) × \(MelangeBuckets.rangeLabel(outputRange)) tokens"
        }
    }

    /// Non-empty buckets, prompt range then output range ascending.
    var cells: [Cell]

    init(sample: [(prompt: Int, output: Int)]) {
        var grouped: [Int: [(prompt: Int, output: Int)]] = [:]
        let width = Self.bounds.count + 1
        for request in sample {
            grouped[Self.range(of: request.prompt) * width + Self.range(of: request.output), default: []].append(request)
        }
        let total = Double(max(1, sample.count))
        cells = grouped.keys.sorted().compactMap { key in
            guard let requests = grouped[key] else { return nil }
            return Cell(promptRange: key / width, outputRange: key % width, share: Double(requests.count) / total, requests: requests)
        }
    }

    /// Index of the range holding `length`.
    static func range(of length: Int) -> Int {
        bounds.firstIndex { length <= $0 } ?? bounds.count
    }

    /// `lower-upper` of range `index` (`64000+` for the open one).
    static func rangeLabel(_ index: Int) -> String {
        let lower = index == 0 ? 1 : bounds[index - 1]
        return index < bounds.count ? "\(lower)-\(bounds[index])" : "\(lower)+"
    }
}
