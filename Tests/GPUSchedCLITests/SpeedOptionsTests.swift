import Foundation
import GPUSchedTestSupport
import Testing

/// `simulate --jobs` and the benchmarks' `--repeats` and `--rows`: the flag changes the wall time,
/// never the result; bad values are one line and exit code 2.
@Suite struct SpeedOptionsTests {
    /// The summary's JSON without the wall-clock keys (`wallSeconds`, `eventsPerSecond`).
    private func timeless(_ json: String) throws -> NSDictionary {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8))
        func strip(_ value: Any) -> Any {
            if let dictionary = value as? [String: Any] {
                return dictionary.filter { $0.key != "wallSeconds" && $0.key != "eventsPerSecond" }.mapValues(strip)
            }
            if let array = value as? [Any] { return array.map(strip) }
            return value
        }
        return try #require(strip(object) as? NSDictionary)
    }

    @Test func jobsChangeNothingButTheWallTime() throws {
        let arguments = ["simulate", Repository.example("simulate-chat.yaml"), "--seeds", "4", "--horizon", "120", "--json"]
        let one = try CLIRunner.run(arguments + ["--jobs", "1"])
        let four = try CLIRunner.run(arguments + ["--jobs", "4"])
        #expect(one.exitCode == 0 && four.exitCode == 0, "\(one.stderr)\(four.stderr)")
        #expect(try timeless(one.stdout) == timeless(four.stdout))
        #expect(one.stdout.contains("\"seeds\" : [\n    1,\n    2,\n    3,\n    4\n  ]"))
    }

    @Test(arguments: [
        (["simulate", "examples/simulate-chat.yaml", "--jobs", "0"], "error: --jobs must be between 1 and 1024, got 0"),
        (["bench", "trace", "--rows", "5"], "error: --rows must be between 10 and 10000000, got 5"),
        (["bench", "simulator", "--repeats", "0"], "error: --repeats must be between 1 and 100, got 0"),
    ])
    func badValuesAreOneLine(arguments: [String], line: String) throws {
        let output = try CLIRunner.run(arguments, workingDirectory: Repository.root)
        #expect(output.exitCode == 2)
        #expect(output.stderr.split(separator: "\n").first.map(String.init) == line, "\(output.stderr)")
    }
}
