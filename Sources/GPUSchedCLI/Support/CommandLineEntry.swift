import ArgumentParser
import Foundation
import Planning
import ServingModel
import Solver

/// Runs `gpusched` with GPUSched's exit-code contract: 0 success, 1 internal failure, 2 bad input.
///
/// Bad input (argument errors, scenario problems, unreadable files, infeasible or invalid models)
/// prints one line per problem on stderr, prefixed with `error: `, and never a stack trace: at most
/// `maximumPrintedProblems` lines, then one `error: … and N more problems`. Flag errors take the same
/// one-line form (no usage block), and a negative number after a long option is read as its value
/// (`--seeds -1` is `--seeds=-1`, which the command's validation then rejects by value).
public enum CommandLineEntry {
    /// Exit code for bad input.
    public static let badInput: Int32 = 2
    /// Exit code for an internal failure.
    public static let internalFailure: Int32 = 1
    /// Problems printed before the rest are only counted.
    public static let maximumPrintedProblems = 20

    /// Parses `arguments` (without the program name), runs the command and returns its exit code.
    public static func run(_ arguments: [String]) -> Int32 {
        do {
            var command = try GPUSched.parseAsRoot(attachingNegativeValues(arguments))
            try command.run()
            return 0
        } catch let error as ScenarioError {
            printErrors(error.issues.map(\.description))
            return badInput
        } catch let error as PlanningError {
            printErrors(error.lines)
            return error.cause == .badInput ? badInput : internalFailure
        } catch let error as InputError {
            printErrors([error.message])
            return badInput
        } catch let error as CatalogError {
            printErrors([error.description])
            return badInput
        } catch let error as SolverError {
            printErrors([error.description])
            if case .invalidModel = error { return badInput }
            if case .invalidOption = error { return badInput }
            return internalFailure
        } catch let error as CommandFailure {
            printErrors([error.message])
            return internalFailure
        } catch {
            let code = GPUSched.exitCode(for: error)
            if code == .success {
                print(GPUSched.fullMessage(for: error))
                return 0
            }
            // Argument-parsing problems: ArgumentParser's message on one line, without the usage
            // block, exit 2 instead of 64.
            let message = GPUSched.message(for: error).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
            if !message.isEmpty { printErrors([message]) }
            return code == .validationFailure ? badInput : code.rawValue
        }
    }

    /// `--option -5` as `--option=-5`: ArgumentParser would take `-5` for a short flag and report a
    /// missing value; attached, the value reaches the option and its validation names it. Arguments
    /// after a `--` terminator are left alone.
    static func attachingNegativeValues(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var terminated = false
        for argument in arguments {
            if argument == "--" { terminated = true }
            if !terminated, argument.hasPrefix("-"), Double(argument) != nil, let previous = result.last,
               previous.hasPrefix("--"), previous.count > 2, !previous.contains("=") {
                result[result.count - 1] = previous + "=" + argument
            } else {
                result.append(argument)
            }
        }
        return result
    }

    /// Prints `error: ` lines on stderr: the first `maximumPrintedProblems`, then a count of the rest.
    static func printErrors(_ lines: [String]) {
        var shown = lines.prefix(maximumPrintedProblems).map { "error: \($0)" }
        if lines.count > maximumPrintedProblems {
            shown.append("error: … and \(lines.count - maximumPrintedProblems) more problems")
        }
        FileHandle.standardError.write(Data((shown.joined(separator: "\n") + "\n").utf8))
    }
}

/// Bad input that is not a scenario problem (a flag value, a file) — exit code 2.
struct InputError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// A failure of GPUSched itself — exit code 1.
struct CommandFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
