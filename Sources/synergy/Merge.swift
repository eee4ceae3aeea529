import ArgumentParser
import Foundation
import SynergyKit

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the group analysis of a study whose sessions 'synergy batch --shard' computed.",
        discussion: """
            Reads OUTDIR/run.json and every OUTDIR/sessions result, and writes OUTDIR/study.json, summary.csv \
            and report.html exactly as an unsharded 'synergy batch' does. Fails, naming them, when sessions \
            have no result yet. Exit code 1 when any session failed.
            """)

    @Argument(help: "The output folder of the batch run(s).")
    var folder: String

    @Option(help: "Worker threads for the group analysis, by default one per core. Results do not depend on it.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let report = try StudyOutputs.write(folder: folder, threads: threads)
        print(StudyTables.summary(report))
        print("\nWrote \((folder as NSString).appendingPathComponent("study.json")), summary.csv and report.html")
        if report.failed > 0 {
            FileHandle.standardError.write(Data("synergy: \(report.failed) session(s) failed (see summary.csv)\n".utf8))
            throw ExitCode(1)
        }
    }
}
