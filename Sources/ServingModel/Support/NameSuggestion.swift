/// Finds the names closest to a misspelt one, for "did you mean" hints in error messages.
public enum NameSuggestion {
    /// Names longer than this (in bytes) get no suggestions.
    public static let maximumNameLength = 200

    /// Up to `limit` candidates closest to `name` by case-insensitive edit distance, nearest first.
    /// Candidates further than about half the name's length are left out, so a hint is never absurd,
    /// and so are those clearly worse than the best one. A name over `maximumNameLength` bytes gets none.
    public static func nearest(to name: String, in candidates: [String], limit: Int = 3) -> [String] {
        // A name this long is not a misspelling; skipping it keeps the edit distances cheap.
        guard name.utf8.count <= maximumNameLength else { return [] }
        let target = Array(name.lowercased())
        let threshold = max(2, target.count / 2)
        let scored = candidates.map { candidate -> (String, Int) in
            let lowered = candidate.lowercased()
            let distance = editDistance(target, Array(lowered))
            // A candidate that contains the name (or the reverse) is a strong hint whatever its length.
            let containsBonus = lowered.contains(name.lowercased()) || name.lowercased().contains(lowered)
            return (candidate, containsBonus ? min(distance, threshold) : distance)
        }
        let close = scored.filter { $0.1 <= threshold }
        // Only the best matches: a clear winner is shown alone, near-ties together.
        guard let best = close.map(\.1).min() else { return [] }
        return close.filter { $0.1 <= best + 1 }
            .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .prefix(limit).map(\.0)
    }

    /// A ready-to-append hint: ` (did you mean 'a', 'b'?)`, or an empty string when nothing is close.
    public static func hint(for name: String, in candidates: [String]) -> String {
        hint(listing: nearest(to: name, in: candidates))
    }

    /// ` (did you mean 'a', 'b'?)` for already chosen suggestions, or an empty string.
    public static func hint(listing suggestions: [String]) -> String {
        suggestions.isEmpty ? "" : " (did you mean " + suggestions.map { "'\($0)'" }.joined(separator: ", ") + "?)"
    }

    /// Levenshtein distance between two character arrays (insertions, deletions, substitutions).
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
