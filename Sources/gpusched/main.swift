import Foundation
import GPUSchedCLI

exit(CommandLineEntry.run(Array(CommandLine.arguments.dropFirst())))
