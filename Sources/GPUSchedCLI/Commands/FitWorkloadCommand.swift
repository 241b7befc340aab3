import ArgumentParser
import ServingModel

/// `gpusched fit-workload FILE`: fits the length families to a trace's or a file's token lengths.
struct FitWorkloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit-workload",
        abstract: "Fit length distributions to a trace's prompt and output tokens, or to a list of lengths.",
        discussion: """
            FILE is a trace (CSV with a header, or JSONL) with prompt and output token columns \
            (prompt/promptTokens/num_prefill_tokens, output/outputTokens/num_decode_tokens), or a \
            plain file of one length per line. Each family (exponential, lognormal, uniform, and \
            fixed when all lengths are equal) gets its maximum-likelihood parameters, the \
            log-likelihood of the lengths, AIC (lower is better) and the Kolmogorov-Smirnov distance \
            between the lengths' CDF and the fitted one; families are listed best (lowest AIC) first. \
            The parameters can go straight into a scenario's workload classes.

            Examples:
              gpusched fit-workload traces/splitwise_code.csv
              gpusched fit-workload traces/splitwise_conv.csv --column output --json
              gpusched fit-workload prompt-lengths.txt
            """
    )

    @Argument(help: "A trace (CSV or JSONL) or a file of one length per line.")
    var file: String

    @Option(name: .long, help: "For a trace: fit only this column (\(TokenField.choices); default both).", transform: TokenField.choice)
    var column: TokenField?

    @OptionGroup var output: OutputOptions

    func run() throws {
        let lengths = try LengthFile.load(path: file)
        let samples: [(name: String, lengths: [Int])]
        switch lengths {
        case .trace:
            let fields = column.map { [$0] } ?? TokenField.allCases
            samples = fields.map { ($0.rawValue, lengths.lengths($0)) }
        case let .plain(values):
            if let column {
                throw InputError("--column \(column.rawValue) applies to traces; \(file) is a plain list of lengths")
            }
            samples = [("length", values)]
        }
        let reports = samples.map { ColumnFitReport(column: $0.name, lengths: $0.lengths) }
        if output.json {
            try JSONOutput.print(FitWorkloadReport(file: file, columns: reports), kind: "fit-workload")
            return
        }
        for (index, report) in reports.enumerated() {
            if index > 0 { print("") }
            print("\(report.column): \(Format.grouped(report.count)) lengths, mean \(Format.fixed(report.mean, 1)), "
                + "min \(Format.grouped(report.min)), max \(Format.grouped(report.max))")
            var table = TextTable(["family", "parameters", "log-likelihood", "AIC", "KS distance"], rightAligned: [2, 3, 4])
            for fit in report.fits {
                table.add([
                    fit.family, fit.parameters, Format.fixed(fit.logLikelihood, 1), Format.fixed(fit.aic, 1),
                    Format.fixed(fit.ksStatistic, 4),
                ])
            }
            print(table.render())
        }
    }
}

extension TokenField: ChoiceArgument {}

/// `fit-workload --json` output.
struct FitWorkloadReport: Encodable {
    var file: String
    var columns: [ColumnFitReport]
}

/// The fits of one column of lengths.
struct ColumnFitReport: Encodable {
    struct Fit: Encodable {
        var family: String
        /// The parameters as text, e.g. "mean=812.41 sd=403.9".
        var parameters: String
        /// The same parameters as numbers by name (`mean`, `sd`, `min`, `max`, `value`).
        var parameterValues: [String: Double]
        var logLikelihood: Double
        var aic: Double
        var ksStatistic: Double
    }

    /// `prompt`, `output`, or `length` for a plain file.
    var column: String
    var count: Int
    var mean: Double
    var min: Int
    var max: Int
    /// Best (lowest AIC) first.
    var fits: [Fit]

    init(column: String, lengths: [Int]) {
        self.column = column
        count = lengths.count
        mean = Double(lengths.reduce(0, +)) / Double(lengths.count)
        min = lengths.min() ?? 0
        max = lengths.max() ?? 0
        fits = DistributionFit.fitAll(lengths).map {
            Fit(family: $0.family, parameters: $0.parameters, parameterValues: $0.parameterValues, logLikelihood: $0.logLikelihood, aic: $0.aic,
                ksStatistic: $0.ksStatistic)
        }
    }
}
