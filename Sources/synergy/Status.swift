import ArgumentParser
import Foundation
import SynergyKit

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how far a study run is: sessions done, failed, running and not started.",
        discussion: """
            Reads OUTDIR/run.json and the files in OUTDIR/sessions alone, so it works while shards run \
            (on this machine or others sharing the folder) and after. A session is done when its result \
            and key are there, failed when it left its error (shown), running while a batch process \
            computes it (its marker, from a live process of this machine or from another host), and \
            pending otherwise. With --json the same as a JSON document on standard output.
            """)

    @Argument(help: "The output folder of the batch run(s).")
    var folder: String

    @Flag(help: "Write the status as JSON.")
    var json = false

    func run() throws {
        let status = try StudyStatus.read(folder: folder)
        if json {
            FileHandle.standardOutput.write(try status.jsonData())
            return
        }
        let total = status.sessions.count
        print("\(folder): \(total) session(s): \(status.done) done, \(status.failed) failed, "
              + "\(status.running) running, \(status.pending) pending")
        for session in status.sessions where session.state != .done {
            print("  \(session.id): \(session.state.rawValue)" + (session.error.map { ": \($0)" } ?? ""))
        }
    }
}
