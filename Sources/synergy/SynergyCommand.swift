import ArgumentParser
import Foundation
import SynergyKit

@main
struct SynergyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synergy",
        abstract: "Muscle-synergy analysis of EMG by non-negative matrix factorisation.",
        version: SynergyAnalysis.toolVersion,
        subcommands: [Inspect.self, Preprocess.self, Extract.self, Count.self, Compare.self, Batch.self, Merge.self, Status.self, Simulate.self])

    /// Runs the command. Any failure, a bad flag or bad input alike, prints one
    /// line to standard error and exits with code 2; help and version exit 0.
    static func main() {
        do {
            var command = try parseAsRoot(try ConfigFile.expand(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let code as ExitCode {
            // A finished run that reports failures through its exit code (batch, merge).
            Foundation.exit(code.rawValue)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            let isInputProblem = error is InputError || error is StudyAnalysis.UnknownReferenceGroup
            let text = isInputProblem ? ErrorMessages.text(error) : "\(message(for: error)) (see 'synergy help')"
            FileHandle.standardError.write(Data("synergy: error: \(text)\n".utf8))
            Foundation.exit(2)
        }
    }
}

extension UpdateRule: ExpressibleByArgument {}
extension FactorizationPrecision: ExpressibleByArgument {}
extension SynergyProtocol.Name: ExpressibleByArgument {}
extension RankCriterion.Kind: ExpressibleByArgument {}
