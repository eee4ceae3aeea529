import ArgumentParser
import Foundation
import SynergyKit

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a recording holds: format, channels, rates, events, warnings.",
        discussion: """
            The first thing to run on a new file. Prints the detected format and version; every \
            channel with its name (as --muscles and --rename take it), sensor, signal, unit, rate, \
            sample count and start time, and whether it is EMG, flat, clipped or mostly zeros; the \
            duration; the file's events; and warnings (dropped samples, empty slots, mixed rates). \
            With --json the same as a JSON document on standard output.
            """)

    @Argument(help: "The recording (any supported format).")
    var file: String

    @Option(help: ArgumentHelp("Read the file as this format instead of the one detected.", valueName: "name"))
    var format: RecordingFormat?

    @Option(help: "Sample rate in Hz of a plain CSV without a time column.")
    var sampleRate: Double?

    @Flag(help: "Write the report as JSON.")
    var json = false

    func validate() throws {
        if let sampleRate, !(sampleRate > 0 && sampleRate.isFinite) { throw ValidationError("--sample-rate must be positive") }
    }

    func run() throws {
        let inspection = RecordingInspection(try LabRecording.read(path: file, format: format, sampleRate: sampleRate),
                                             mixedRatesAdvice: ErrorMessages.mixedRatesAdvice)
        if json {
            FileHandle.standardOutput.write(try inspection.json())
        } else {
            print(inspection.text, terminator: "")
        }
    }
}
