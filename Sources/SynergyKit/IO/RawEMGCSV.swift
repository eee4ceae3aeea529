import Crypto
import Foundation
import Synchronization

/// Reads raw EMG from delimited text (CSV, TSV, TXT): a header row, an optional
/// first column of time in seconds, then one column per channel. The delimiter
/// is detected. With a time column the sample rate comes from it and must be
/// uniform; without one the caller gives the rate.
public enum RawEMGCSV {
    /// How to read the file.
    public struct Options: Sendable, Equatable {
        /// The sample rate in Hz when the file has no time column; with one, it must agree.
        public var sampleRate: Double?

        /// Options with the given rate, Hz (nil: the file must have a time column).
        public init(sampleRate: Double? = nil) { self.sampleRate = sampleRate }
    }

    /// Headers taken to name a time column (case-insensitive, ignoring a unit in brackets).
    static let timeHeaders: Set<String> = ["time", "t", "times", "time_s", "seconds", "sec", "s", "timestamp"]

    /// Largest relative departure of one time step from the mean step: more
    /// means a gap or jitter (time stamps printed with few decimals stay inside it).
    static let intervalTolerance = 0.5

    /// Reads the file at `path` and records its SHA-256; throws `InputError` for a malformed file or a rate that is missing or disagrees with the time column.
    public static func read(path: String, options: Options = .init()) throws -> EMGRecording {
        let bytes = try FileInput.contents(of: path)
        var recording = try parse(bytes, path: path, options: options)
        recording.sha256 = FileInput.sha256(bytes)
        return recording
    }

    /// Parses a file's bytes (SHA-256 left empty); `path` only names the source in errors. Throws as `read(path:options:)`.
    public static func parse(_ bytes: Data, path: String, options: Options = .init()) throws -> EMGRecording {
        let table = try DelimitedTable.parse(bytes, path: path)
        let hasTime = isTimeHeader(table.header[0])
        let names = Array(table.header.dropFirst(hasTime ? 1 : 0))
        guard !names.isEmpty else { throw InputError(file: path, line: 1, "has a time column but no channels") }
        var seen = Set<String>()
        for name in names {
            if name.isEmpty { throw InputError(file: path, line: 1, "a channel column has an empty name") }
            if !seen.insert(name.lowercased()).inserted {
                throw InputError(file: path, line: 1, column: name, "duplicate channel name")
            }
        }
        let count = table.rowCount
        guard count >= 2 else { throw InputError(file: path, "has \(count) data row(s); a recording needs at least 2") }

        let rate: Double
        let start: Double
        if hasTime {
            let time = table.columns[0]
            for i in 1..<count where !(time[i] > time[i - 1]) {
                throw InputError(file: path, line: table.lines[i], column: table.header[0],
                                 "time \(time[i]) does not increase on the previous row's \(time[i - 1])")
            }
            let interval = (time[count - 1] - time[0]) / Double(count - 1)
            for i in 1..<count {
                let ratio = (time[i] - time[i - 1]) / interval
                if abs(ratio - 1) > intervalTolerance {
                    throw InputError(file: path, line: table.lines[i], column: table.header[0], String(
                        format: "time is not uniformly sampled: %.6g s since the previous row, %.2f× the mean "
                            + "interval %.6g s (a gap or jitter); resample the file first",
                        time[i] - time[i - 1], ratio, interval))
                }
            }
            let measured = 1 / interval
            // Time stamps printed with few decimals give a rate a hair off an integer; round it then.
            let rounded = measured.rounded()
            rate = abs(measured - rounded) <= 1e-6 * measured ? rounded : measured
            if let given = options.sampleRate, abs(given - rate) > 1e-3 * rate {
                throw InputError(file: path, column: table.header[0], .sampleRateDisagrees(timeColumn: rate, given: given))
            }
            start = time[0]
        } else {
            guard let given = options.sampleRate else {
                throw InputError(file: path, line: 1, .sampleRateNeeded(firstHeader: table.header[0]))
            }
            rate = given
            start = 0
        }
        return EMGRecording(path: path, sha256: "", channelNames: names, sampleRate: rate, startTime: start,
                            channels: Array(table.columns.dropFirst(hasTime ? 1 : 0)))
    }

    static func isTimeHeader(_ header: String) -> Bool {
        var name = header.lowercased()
        if let bracket = name.firstIndex(where: { $0 == "(" || $0 == "[" }) { name = String(name[..<bracket]) }
        return timeHeaders.contains(name.trimmingCharacters(in: .whitespaces))
    }
}

/// Reading a whole input file, with the errors users see.
enum FileInput {
    static func contents(of path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(file: path, "no such file")
        }
        if isDirectory.boolValue { throw InputError(file: path, "is a directory, not a file") }
        guard let data = mapped(path) ?? (try? Data(contentsOf: URL(fileURLWithPath: path))) else {
            throw InputError(file: path, "cannot be read")
        }
        if let identity = FileIdentity(path: path) { FileIdentity.inputs.insert(identity) }
        return data
    }

    /// A regular file's bytes mapped into memory, its pages mapped from the
    /// page cache at once: no copy, and no fresh memory to fault in page by
    /// page (which costs more than reading the file). Nil for an empty file
    /// or anything else (a pipe, a device), which is read instead.
    private static func mapped(_ path: String) -> Data? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size > 0 else { return nil }
        let size = Int(status.st_size)
        #if os(Linux)
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        guard let memory = mmap(nil, size, PROT_READ, flags, descriptor, 0), memory != MAP_FAILED else { return nil }
        return Data(bytesNoCopy: memory, count: size, deallocator: .custom { pointer, _ in munmap(pointer, size) })
    }

    /// `sha256(bytes)` computed on another thread; the function returned waits for it.
    static func sha256InBackground(_ bytes: Data) -> @Sendable () -> String {
        let result = DigestResult()
        DispatchQueue.global().async {
            result.digest.withLock { $0 = sha256(bytes) }
            result.done.signal()
        }
        return {
            result.done.wait()
            return result.digest.withLock { $0! }
        }
    }

    private final class DigestResult: Sendable {
        let digest = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
    }

    static func sha256(_ bytes: Data) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
