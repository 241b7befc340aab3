import ArgumentParser

/// `--no-evaluate`: a `plan` verb solves and prints the plan and its baselines without simulating
/// them (the evaluation is the costly half where the simulator runs).
///
/// Add to a `plan` command with `@OptionGroup var evaluation: EvaluationOptions`:
/// ```
/// gpusched plan cascade examples/cascade-deepseek.yaml --no-evaluate --json
/// ```
struct EvaluationOptions: ParsableArguments {
    @Flag(
        name: .customLong("evaluate"), inversion: .prefixedNo,
        help: "Evaluate the plan and its baselines the same way after solving (--no-evaluate: solve only).")
    var evaluate = true
}
