import Foundation
import ServingModel

extension ConfigNode {
    /// A number satisfying `rule` and at most `maximum`, the sane maximum a reader states in the error
    /// ("must be <= 10000000, got 1e+15"); nil after reporting.
    public func number(_ rule: NumberRule, atMost maximum: Double) -> Double? {
        guard let value = number(rule) else { return nil }
        guard value <= maximum else {
            report("must be <= \(Self.plain(maximum)), got \(Self.plain(value))")
            return nil
        }
        return value
    }

    /// A number as a person writes it: whole numbers below 10¹⁵ without a fraction, larger ones
    /// as 1e+15, others as Swift prints them.
    static func plain(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        return abs(value) >= 1e15 ? String(format: "%g", value) : "\(value)"
    }
}
