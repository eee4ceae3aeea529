import Crypto
import Dispatch
import Foundation
import Synchronization

/// A study's sessions run `jobs` at a time into an output folder, safely:
///
/// - each session's results (`sessions/ID.json` in the `count` schema, its
///   activations CSV, with `--bootstrap` its resamples `sessions/ID_resamples.json`
///   (`SessionResamples`), and `sessions/ID.key`) are written together,
///   atomically, the key last;
/// - the key is a SHA-256 of everything that decides the result (tool version,
///   protocol, seed, max rank, the input's and the events' bytes, row
///   overrides), so a re-run skips a session whose key is unchanged and a run
///   killed at any moment loses only the sessions in flight;
/// - a session that fails writes `sessions/ID.error.json` with its one-line
///   error instead and does not stop the others;
/// - while a session is computed, its running marker is there (`StudyStatus`);
/// - `shard` i of N runs every N-th session (i, i + N, …), so shards on several
///   machines sharing the folder together run each session once;
/// - with `--bootstrap`, each session draws its own series of resamples
///   (`bootstrapStream(id:)`), so two sessions' resamples are independent and
///   the timelines' support pairs independent resamples, as `compare` does.
public struct StudyBatch: Sendable {
    /// The study's rows; relative paths in them start at the manifest's folder.
    public var manifest: StudyManifest
    /// Everything that decides the numbers besides the inputs (recorded in `run.json` and `study.json`).
    public var settings: StudySettings
    /// Per-session input options from the command line (path, events, muscles
    /// and sample rate are replaced by the manifest row's where it gives them).
    public var template: SessionInput
    /// The label of a touchdown event in an events file or recording (part of each session's key).
    public var touchdownLabel = "Foot Strike"
    /// The label of a liftoff event in an events file or recording (part of each session's key).
    public var liftoffLabel = "Foot Off"
    /// Default gait events for rows without an `events` column entry (`c3d`, say).
    public var defaultEvents: String?
    /// The study's output folder (`OUTDIR`).
    public var outputFolder: String
    /// The one line a failed session's error is recorded as (`sessions/ID.error.json`,
    /// `Status.failed`): by default its description; a caller may word an
    /// `InputError.setting` in terms of its own options.
    public var errorText: @Sendable (any Error) -> String = { "\($0)" }

    /// A batch of `manifest` with `settings`, sessions read as `template` says, written to `outputFolder`.
    public init(manifest: StudyManifest, settings: StudySettings, template: SessionInput, outputFolder: String) {
        self.manifest = manifest
        self.settings = settings
        self.template = template
        self.outputFolder = outputFolder
    }

    /// What became of one session.
    public enum Status: Sendable, Equatable {
        case computed
        /// An earlier run's result with the same key.
        case reused
        case failed(String)
    }

    /// One session's outcome, as `run` reports it to `progress` and returns it.
    public struct SessionOutcome: Sendable {
        /// The session's manifest row.
        public var entry: StudyManifest.Entry
        /// Computed, reused or failed.
        public var status: Status
        /// The synergy count (nil: failed, or no rank met the criterion).
        public var count: Int?
        /// Wall-clock seconds spent on the session (reading a reused one included).
        public var seconds: Double
        /// The result's `ReportTables.iterationCapWarning`, if any.
        public var warning: String?
    }

    /// `OUTDIR/sessions`, where each session's files go.
    public var sessionsFolder: String { (outputFolder as NSString).appendingPathComponent("sessions") }

    /// The entries of shard `index` (0-based) of `count`.
    public func entries(shard: (index: Int, count: Int)) -> [StudyManifest.Entry] {
        manifest.entries.enumerated().filter { $0.offset % shard.count == shard.index }.map(\.element)
    }

    /// The run description `merge` reads: settings and manifest rows.
    public var run: StudyRun {
        StudyRun(toolVersion: SynergyAnalysis.toolVersion,
                 manifest: .init(name: (manifest.path as NSString).lastPathComponent, sha256: manifest.sha256),
                 entries: manifest.entries, settings: settings)
    }

    /// Creates the output folders, removes the temporaries of killed runs on this
    /// machine from them, and writes `run.json`.
    public func prepare() throws {
        for folder in [outputFolder, sessionsFolder] {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw InputError(file: folder, "cannot be created as the output folder")
            }
            OutputFiles.removeAbandonedTemporaries(in: folder)
        }
        try OutputFiles.write([(StudyRun.path(in: outputFolder), try run.jsonData())])
    }

    /// Runs `entries` with `jobs` sessions at a time, each factorising on
    /// `threadsPerSession` threads; `progress` is called (serially) after each session.
    public func run(_ entries: [StudyManifest.Entry], jobs: Int, threadsPerSession: Int,
                    progress: @escaping @Sendable (SessionOutcome) -> Void) -> [SessionOutcome] {
        let serialProgress = Mutex(progress)
        return parallelMap(count: entries.count, workers: jobs) { index in
            let outcome = process(entries[index], threads: threadsPerSession)
            serialProgress.withLock { $0(outcome) }
            return outcome
        }
    }

    /// One session: reuse, compute and write, or record the failure.
    public func process(_ entry: StudyManifest.Entry, threads: Int) -> SessionOutcome {
        let start = DispatchTime.now().uptimeNanoseconds
        func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let files = SessionFiles(folder: sessionsFolder, id: entry.id)
        let file = manifest.resolve(entry.path)
        do {
            let input = sessionInput(for: entry)
            let key = try self.key(for: entry, input: input)
            if let existing = try? String(contentsOfFile: files.key, encoding: .utf8), existing == key,
               let data = FileManager.default.contents(atPath: files.json), let report = try? SynergyReport.decode(data),
               settings.bootstrap == nil || FileManager.default.fileExists(atPath: files.resamples) {
                return SessionOutcome(entry: entry, status: .reused, count: report.count, seconds: seconds(),
                                      warning: ReportTables.iterationCapWarning(report))
            }
            // The old key goes first: until the new files are all in place, none may pass for a result.
            try? FileManager.default.removeItem(atPath: files.key)
            // Marks the session as running (`StudyStatus`) while it is computed.
            let running = files.runningMarker
            _ = FileManager.default.createFile(atPath: running, contents: nil)
            defer { try? FileManager.default.removeItem(atPath: running) }
            let (envelope, events) = settings.bootstrap == nil
                ? (try input.envelope(settings: settings.protocol.preprocessing), nil)
                : try input.envelopeAndEvents(settings: settings.protocol.preprocessing)
            let analysis = SynergyAnalysis(envelope: envelope, protocol: settings.protocol, seed: settings.seed, threads: threads)
            let highest = try analysis.highestRank(requested: settings.maxRank)
            var outcome = try analysis.count(maxRank: highest, activationsFile: (files.activations as NSString).lastPathComponent)
            var resamples: SessionResamples?
            if let plan = settings.bootstrap {
                resamples = SessionResamples(try analysis.bootstrap(&outcome.report, plan: plan, events: events,
                                                                    highestRank: highest,
                                                                    stream: Self.bootstrapStream(id: entry.id)))
            }
            var report = outcome.report
            report.input.path = entry.path
            let csv = ActivationsCSV.render(timeHeader: envelope.timeHeader, time: envelope.time, activations: outcome.activations)
            try? FileManager.default.removeItem(atPath: files.error)
            var written = [
                (files.activations, Data(csv.utf8)), (files.json, try report.jsonData()),
                (files.figure, Data(SessionFigure.render(report).utf8)),
            ]
            if let resamples {
                written.append((files.resamples, try ReportJSON.encode(resamples)))
            } else {
                try? FileManager.default.removeItem(atPath: files.resamples)
            }
            written.append((files.key, Data(key.utf8)))
            try OutputFiles.write(written, removingAbandoned: false)
            return SessionOutcome(entry: entry, status: .computed, count: report.count, seconds: seconds(),
                                  warning: ReportTables.iterationCapWarning(report))
        } catch {
            // Name the file as the manifest does, so the message is the same from any working directory.
            let message = errorText(error).replacingOccurrences(of: file, with: entry.path)
            for stale in [files.key, files.json, files.activations, files.figure, files.resamples] {
                try? FileManager.default.removeItem(atPath: stale)
            }
            let failure = SessionFailure(id: entry.id, error: message)
            try? OutputFiles.write([(files.error, (try? ReportJSON.encode(failure)) ?? Data())], removingAbandoned: false)
            return SessionOutcome(entry: entry, status: .failed(message), count: nil, seconds: seconds(), warning: nil)
        }
    }

    /// The series of bootstrap resamples of session `id` (`SessionBootstrap.stream`): the
    /// FNV-1a 64-bit hash of the id's UTF-8 bytes, its top two bits cleared, plus 2, so
    /// that it depends on the id alone (not on the manifest's order, the shard or the
    /// jobs), differs between sessions, and is never `compare`'s 0 or 1.
    public static func bootstrapStream(id: String) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return Int(hash & 0x3FFF_FFFF_FFFF_FFFF) + 2
    }

    /// The session input of a manifest row: the template with the row's file and overrides.
    func sessionInput(for entry: StudyManifest.Entry) -> SessionInput {
        var input = template
        input.path = manifest.resolve(entry.path)
        if let muscles = entry.muscles { input.muscles = muscles }
        if let rate = entry.sampleRate { input.sampleRate = rate }
        if let events = entry.events ?? defaultEvents {
            let isRecording = GaitEventsSource.namesRecordingEvents(events)
            input.events = GaitEventsSource.parse(isRecording ? events : manifest.resolve(events),
                                                  touchdown: touchdownLabel, liftoff: liftoffLabel)
        }
        return input
    }

    /// Everything that decides a session's result, hashed.
    func key(for entry: StudyManifest.Entry, input: SessionInput) throws -> String {
        struct Material: Encodable {
            var toolVersion: String
            var settings: StudySettings
            var inputSha256: String
            var eventsSha256: String?
            var events: String?
            var muscles: [String]?
            var renames: [String]
            var sampleRate: Double?
            var labels: [String]
            /// Absent unless given, so sessions read as before keep their keys.
            var format: String?
            var resample: Double?
        }
        let inputBytes = try FileInput.contents(of: input.path)
        var eventsSha: String?
        var eventsText: String?
        if case .csv(let path)? = input.events {
            eventsSha = FileInput.sha256(try FileInput.contents(of: path))
        } else if input.events != nil {
            eventsText = entry.events ?? defaultEvents
        }
        let material = Material(
            toolVersion: SynergyAnalysis.toolVersion, settings: settings, inputSha256: FileInput.sha256(inputBytes),
            eventsSha256: eventsSha, events: eventsText, muscles: input.muscles, renames: input.renames.map { "\($0.old)=\($0.new)" },
            sampleRate: input.sampleRate, labels: [touchdownLabel, liftoffLabel], format: input.format?.rawValue,
            resample: input.resampleTo)
        return FileInput.sha256(try ReportJSON.encode(material))
    }
}

/// The files of one session in the output folder.
struct SessionFiles {
    var folder: String
    var id: String
    private func file(_ suffix: String) -> String { (folder as NSString).appendingPathComponent(id + suffix) }
    var json: String { file(".json") }
    var activations: String { file("_activations.csv") }
    var figure: String { file(".svg") }
    var key: String { file(".key") }
    var resamples: String { file("_resamples.json") }
    var error: String { file(".error.json") }
    /// Present while a process computes the session: `.ID.running.partial-HOST-PID`,
    /// so a killed process's marker is removed with its other temporaries.
    var runningMarker: String {
        (folder as NSString).appendingPathComponent(OutputFiles.temporaryName(for: id + Self.runningSuffix))
    }
    static let runningSuffix = ".running"
}

/// A session's bootstrap resamples as `batch --bootstrap` keeps them
/// (`sessions/ID_resamples.json`) for the support of the timelines' steps: for
/// each resample, its W at the reported rank as one weight vector per synergy
/// (in the session's muscle order, unit length) and, for each of its synergies,
/// the full-data synergy matched to it (`SessionBootstrap.Resample.matchedTo`).
struct SessionResamples: Codable, Equatable {
    struct Resample: Codable, Equatable {
        var weights: [[Double]]
        var matchedTo: [Int]
    }

    var resamples: [Resample]

    init(_ resamples: [SessionBootstrap.Resample]) {
        self.resamples = resamples.map { resample in
            Resample(weights: (0..<resample.weights.columns).map { resample.weights.column($0) }, matchedTo: resample.matchedTo)
        }
    }

    /// The resamples for `ComparisonSupport`, rows in the order `muscleOrder` gives
    /// (study muscle i is the session's muscle `muscleOrder[i]`); only W and the
    /// matching are kept, so counts, R² and similarities are left empty.
    func bootstrapResamples(muscleOrder: [Int]) -> [SessionBootstrap.Resample]? {
        var result = [SessionBootstrap.Resample]()
        for resample in resamples {
            guard resample.matchedTo.count == resample.weights.count,
                  resample.weights.allSatisfy({ vector in muscleOrder.allSatisfy { vector.indices.contains($0) } }) else { return nil }
            let elements = resample.weights.flatMap { vector in muscleOrder.map { vector[$0] } }
            result.append(SessionBootstrap.Resample(
                count: nil, r2: [], firstRank: 0,
                weights: Matrix(rows: muscleOrder.count, columns: resample.weights.count, elements: elements),
                matchedTo: resample.matchedTo, similarity: []))
        }
        return result
    }

    static func read(path: String) -> SessionResamples? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? ReportJSON.decode(data)
    }
}

/// What a failed session leaves in the output folder.
struct SessionFailure: Codable {
    var id: String
    var error: String
}

/// The description of a study run that `synergy merge` reads back: the
/// manifest's rows and every setting.
public struct StudyRun: Codable, Sendable, Equatable {
    /// Version of synergy that ran the batch.
    public var toolVersion: String
    /// The manifest's name and SHA-256.
    public var manifest: StudyReport.ManifestSource
    /// The manifest's rows, in its order.
    public var entries: [StudyManifest.Entry]
    /// The settings every session was run with.
    public var settings: StudySettings

    static func path(in folder: String) -> String { (folder as NSString).appendingPathComponent("run.json") }

    func jsonData() throws -> Data { try ReportJSON.encode(self) }

    /// Reads `OUTDIR/run.json`.
    public static func read(folder: String) throws -> StudyRun {
        let path = Self.path(in: folder)
        let data = try FileInput.contents(of: path)
        do {
            return try ReportJSON.decode(data)
        } catch {
            throw InputError(file: path, "is not the run description of a study (written by 'synergy batch')")
        }
    }
}
