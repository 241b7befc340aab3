import ArgumentParser
import Foundation
import ServingModel
import Solver

/// Runs `gpusched` with GPUSched's exit-code contract: 0 success, 1 internal failure, 2 bad input.
///
/// Bad input (argument errors, scenario problems, unreadable files, infeasible or invalid models)
/// prints one line per problem on stderr, prefixed with `error: `, and never a stack trace.
public enum CommandLineEntry {
    /// Exit code for bad input.
    public static let badInput: Int32 = 2
    /// Exit code for an internal failure.
    public static let internalFailure: Int32 = 1

    /// Parses `arguments` (without the program name), runs the command and returns its exit code.
    public static func run(_ arguments: [String]) -> Int32 {
        do {
            var command = try GPUSched.parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let error as ScenarioError {
            printErrors(error.issues.map(\.description))
            return badInput
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
            // Argument-parsing problems: ArgumentParser's message, exit 2 instead of 64.
            let message = GPUSched.fullMessage(for: error)
            FileHandle.standardError.write(Data((message + "\n").utf8))
            return code == .validationFailure ? badInput : code.rawValue
        }
    }

    static func printErrors(_ lines: [String]) {
        let text = lines.map { "error: \($0)" }.joined(separator: "\n") + "\n"
        FileHandle.standardError.write(Data(text.utf8))
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
