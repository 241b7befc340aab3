import ArgumentParser
import ServingModel

/// An enum option with a closed set of names: an unknown value is refused with the nearest names
/// ("did you mean") and the full list, on one line.
///
/// Conform the enum, then declare the option with the `choice` transform:
/// ```
/// extension RoutingPolicyName: ChoiceArgument {}
/// @Option(name: .long, help: "Routing policy (\(RoutingPolicyName.choices)).",
///         transform: RoutingPolicyName.choice) var policy: RoutingPolicyName?
/// ```
protocol ChoiceArgument: CaseIterable, RawRepresentable, Sendable where RawValue == String {}

extension ChoiceArgument {
    /// Every accepted name, comma-separated (for help texts).
    static var choices: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The case named `text`, or a `ValidationError` naming the nearest cases and every choice.
    @Sendable static func choice(_ text: String) throws -> Self {
        if let value = Self(rawValue: text) { return value }
        let names = allCases.map(\.rawValue)
        throw ValidationError("unknown value '\(text)'" + NameSuggestion.hint(for: text, in: names) + "; choose from: " + names.joined(separator: ", "))
    }
}
