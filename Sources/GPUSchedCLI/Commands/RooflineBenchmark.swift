import Foundation
import Planning
import ServingModel

/// `gpusched bench roofline`: the roofline's relative errors against measured kernels
/// (`RooflineValidation`), and the roofline against the measured-table model operation by
/// operation (`TableComparison`).
struct RooflineBenchmark: Encodable {
    /// Error distribution of one GPU's operation.
    struct KernelErrors: Encodable {
        struct Distribution: Encodable {
            var count: Int
            var median: Double
            var p90: Double
            var max: Double
            init(_ d: ErrorDistribution) { (count, median, p90, max) = (d.count, d.median, d.p90, d.max) }
        }
        var gpu: String
        var operation: String
        var relevant: Distribution
        var all: Distribution
    }

    var kernelErrors: [KernelErrors]
    var tableComparison: [TableComparisonRow]
    private var validation: RooflineValidationReport

    private enum CodingKeys: String, CodingKey { case kernelErrors, tableComparison }

    /// Runs both comparisons on the `data/` folder at `directory`.
    static func measure(dataDirectory directory: String, progress: ProgressReporter) throws -> RooflineBenchmark {
        progress.say("comparing the roofline model with the measured kernels in \(directory)")
        do {
            let validation = try RooflineValidation.run(dataDirectory: directory)
            progress.say("comparing the roofline model with the measured-table model")
            let comparison = try TableComparison.run(dataDirectory: directory)
            return RooflineBenchmark(
                kernelErrors: validation.errors.map {
                    KernelErrors(gpu: $0.gpu, operation: $0.operation.rawValue, relevant: .init($0.relevant), all: .init($0.all))
                },
                tableComparison: comparison, validation: validation)
        } catch {
            throw InputError("cannot read the measured profiles in \(directory): \(error)")
        }
    }

    /// Both tables as text.
    func render() -> String {
        var lines = [
            "Relative error of the roofline model (default efficiency factors) against measured kernel times, %",
            "('n' columns: serving-relevant shapes; 'all': every measured row)",
            validation.table, "",
            "Roofline against the measured-table model (engine.profile), per operation (one layer or one call), ms",
            "profile         gpu         model          tp  operation         shape                                roofline      table  error %",
        ]
        for row in tableComparison {
            lines.append(
                row.profile.padding(toLength: 15, withPad: " ", startingAt: 0) + " "
                    + row.gpu.padding(toLength: 11, withPad: " ", startingAt: 0) + " "
                    + row.model.padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: "%3d  ", row.tensorParallel)
                    + row.operation.padding(toLength: 17, withPad: " ", startingAt: 0) + " "
                    + row.shape.padding(toLength: 34, withPad: " ", startingAt: 0)
                    + String(format: "%10.4f %10.4f %8.1f", row.rooflineSeconds * 1e3, row.tableSeconds * 1e3, row.relativeError * 100))
        }
        return lines.joined(separator: "\n")
    }
}
