import ArgumentParser
import Foundation
import SynergyKit

struct Preprocess: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the envelope matrix that factorisation would take.",
        discussion: """
            Reads a raw recording and applies the protocol's preprocessing (filters, rectification, \
            bins or gait cycles, amplitude normalisation). The CSV has a first column of time in \
            seconds (bin centres) or of cycle points (1, 2, …), then one column per muscle; \
            `synergy count OUT.csv --input envelope` reads it back.
            """)

    @OptionGroup var source: InputOptions

    @Option(name: .shortAndLong, help: "The envelope CSV to write.")
    var output: String

    @Flag(help: "Print the seconds spent reading, preprocessing and writing to standard error.")
    var timings = false

    func validate() throws {
        if source.input == .envelope { throw ValidationError("preprocess takes a raw recording, not --input envelope") }
        if !output.lowercased().hasSuffix(".csv") { throw ValidationError("--output must name a .csv file") }
    }

    func run() throws {
        let chosen = source.preprocessingOptions.synergyProtocol()
        let session = source.sessionInput
        let clock = ContinuousClock()
        let start = clock.now
        let recording = try session.recording(at: source.file)
        let read = clock.now
        let envelope = try session.preprocess(recording, settings: chosen.preprocessing)
        let processed = clock.now
        print("synergy preprocess: \(source.file): \(recording.channels.count) channels × \(recording.sampleCount) "
              + "samples at \(recording.sampleRate) Hz; protocol \(chosen.name.rawValue)")
        print("envelope: \(envelope.muscles.count) muscles × \(envelope.time.count) "
              + (envelope.timeHeader == "cycle_point" ? "cycle points" : "samples"))
        let csv = TimeSeriesCSV.render(timeHeader: envelope.timeHeader, time: envelope.time,
                                       columns: envelope.muscles, values: envelope.data)
        try OutputFiles.write([(output, Data(csv.utf8))])
        print("Wrote \(output)")
        if timings {
            func seconds(_ d: Duration) -> String { String(format: "%.3f", Double(d.components.attoseconds) * 1e-18 + Double(d.components.seconds)) }
            FileHandle.standardError.write(Data(("timings: read \(seconds(read - start)) s, preprocess "
                + "\(seconds(processed - read)) s, write \(seconds(clock.now - processed)) s\n").utf8))
        }
    }
}
