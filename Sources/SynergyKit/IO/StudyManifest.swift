import Foundation

/// A study's manifest: a CSV (or TSV) with one row per session, as researchers
/// keep them in spreadsheets.
///
/// Columns (header names ignore case, spaces and dashes): `subject`, `group`,
/// `session` (a time point such as `week0`) and `path` (the recording, relative
/// to the manifest's folder) are required; `events` (a CSV of gait events, or
/// the events the recording holds: `c3d`, `nexus`, `edf`, `bdf`, `file`, each
/// optionally `:CONTEXT`), `muscles` (channels to use, separated by `;`, `,` or spaces) and
/// `sample_rate` (Hz, for raw CSVs without a time column) are optional and
/// override the command line for their row. A subject belongs to one group;
/// (subject, session) is unique; every named file must exist.
public struct StudyManifest: Sendable, Equatable {
    /// One row of the manifest: one session of one subject.
    public struct Entry: Sendable, Equatable, Codable {
        /// The subject's identifier; a subject belongs to one group.
        public var subject: String
        /// The subject's group (e.g. cohort or condition).
        public var group: String
        /// The time point, e.g. `week0`; unique per subject.
        public var session: String
        /// As written in the manifest.
        public var path: String
        /// The row's gait events: a CSV path relative to the manifest's folder, or a source the recording holds (`c3d`, `nexus`, `edf`, `bdf`, `file`, optionally `:CONTEXT`); nil: the command line's.
        public var events: String?
        /// The channels to use, in order (nil: the command line's).
        public var muscles: [String]?
        /// Sample rate, Hz, for a raw CSV without a time column (nil: the command line's).
        public var sampleRate: Double?
        /// The manifest line (1-based), for messages.
        public var line: Int

        /// A file-name-safe identifier, `subject_session`.
        public var id: String {
            let raw = "\(subject)_\(session)"
            return String(raw.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" ? $0 : "-" })
        }
    }

    /// The manifest's path as the user gave it.
    public var path: String
    /// SHA-256 of the manifest's bytes, lower-case hex.
    public var sha256: String
    /// The rows, in file order.
    public var entries: [Entry]

    /// A manifest from its parts.
    public init(path: String, sha256: String, entries: [Entry]) {
        (self.path, self.sha256, self.entries) = (path, sha256, entries)
    }

    /// The folder session paths are relative to.
    public var folder: String { (path as NSString).deletingLastPathComponent }

    /// `relative` (a manifest path) from the current directory.
    public func resolve(_ relative: String) -> String {
        relative.hasPrefix("/") || folder.isEmpty ? relative : (folder as NSString).appendingPathComponent(relative)
    }

    static let required = ["subject", "group", "session", "path"]
    static let optional = ["events", "muscles", "sample_rate"]

    /// Reads and checks the manifest at `path`; throws `InputError` naming the line and column for a malformed row, a missing file or a broken rule above.
    public static func read(path: String) throws -> StudyManifest {
        let bytes = try FileInput.contents(of: path)
        guard let text = String(data: bytes, encoding: .utf8) else { throw InputError(file: path, "is not UTF-8 text") }
        var manifest = try parse(text, path: path)
        manifest.sha256 = FileInput.sha256(bytes)
        for entry in manifest.entries {
            let file = manifest.resolve(entry.path)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder), !isFolder.boolValue else {
                throw InputError(file: path, line: entry.line, column: "path", "no such file: \(entry.path)")
            }
            if let events = entry.events, !GaitEventsSource.namesRecordingEvents(events) {
                guard FileManager.default.fileExists(atPath: manifest.resolve(events)) else {
                    throw InputError(file: path, line: entry.line, column: "events", "no such file: \(events)")
                }
            }
        }
        return manifest
    }

    /// Parses manifest text; `path` names it in errors. Files are not checked.
    public static func parse(_ text: String, path: String) throws -> StudyManifest {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\r")) }
        guard let headerIndex = lines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw InputError(file: path, "is empty; a manifest needs a header (subject,group,session,path) and one row per session")
        }
        let delimiter: Character = lines[headerIndex].contains("\t") ? "\t" : lines[headerIndex].contains(";") ? ";" : ","
        func fields(_ line: String) -> [String] {
            splitFields(line, delimiter: delimiter).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let header = fields(lines[headerIndex]).map {
            $0.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        }
        for name in header where !(required + optional).contains(name) {
            throw InputError(file: path, line: headerIndex + 1, "unknown column '\(name)' (columns: "
                             + (required + optional).joined(separator: ", ") + ")")
        }
        for name in required where !header.contains(name) {
            throw InputError(file: path, line: headerIndex + 1, "no '\(name)' column (needed: \(required.joined(separator: ", ")))")
        }
        if let duplicate = header.first(where: { name in header.filter { $0 == name }.count > 1 }) {
            throw InputError(file: path, line: headerIndex + 1, "the column '\(duplicate)' appears twice")
        }
        var entries = [Entry]()
        var groupOf = [String: String]()
        var seen = [String: Int]()
        var ids = [String: Int]()
        for index in (headerIndex + 1)..<lines.count where !lines[index].trimmingCharacters(in: .whitespaces).isEmpty {
            let line = index + 1
            let row = fields(lines[index])
            guard row.count == header.count else {
                throw InputError(file: path, line: line, "has \(row.count) fields; the header has \(header.count)")
            }
            var values = [String: String]()
            for (name, value) in zip(header, row) { values[name] = value }
            for name in required where values[name, default: ""].isEmpty {
                throw InputError(file: path, line: line, column: name, "is empty")
            }
            var entry = Entry(subject: values["subject"]!, group: values["group"]!, session: values["session"]!,
                              path: values["path"]!, line: line)
            if let events = values["events"], !events.isEmpty { entry.events = events }
            if let muscles = values["muscles"], !muscles.isEmpty {
                entry.muscles = muscles.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == " " }).map(String.init)
            }
            if let rate = values["sample_rate"], !rate.isEmpty {
                guard let value = Double(rate), value.isFinite, value > 0 else {
                    throw InputError(file: path, line: line, column: "sample_rate", "'\(rate)' is not a positive number")
                }
                entry.sampleRate = value
            }
            if let group = groupOf[entry.subject], group != entry.group {
                throw InputError(file: path, line: line, column: "group",
                                 "subject '\(entry.subject)' is in group '\(group)' on an earlier line; a subject belongs to one group")
            }
            groupOf[entry.subject] = entry.group
            let key = entry.subject + "\u{0}" + entry.session
            if let earlier = seen[key] {
                throw InputError(file: path, line: line, "subject '\(entry.subject)' session '\(entry.session)' "
                                 + "is also on line \(earlier)")
            }
            seen[key] = line
            if let earlier = ids[entry.id] {
                throw InputError(file: path, line: line, "its session id '\(entry.id)' (subject_session, with unsafe "
                                 + "characters as '-') is the same as line \(earlier)'s")
            }
            ids[entry.id] = line
            entries.append(entry)
        }
        guard !entries.isEmpty else { throw InputError(file: path, "has a header but no sessions") }
        return StudyManifest(path: path, sha256: "", entries: entries)
    }

    /// Splits one line on `delimiter`, honouring double quotes ("a, b" and "" inside quotes).
    static func splitFields(_ line: String, delimiter: Character) -> [String] {
        var fields = [String](), field = "", quoted = false
        var characters = Array(line)[...]
        while let c = characters.popFirst() {
            if quoted {
                if c == "\"" {
                    if characters.first == "\"" { field.append("\""); characters.removeFirst() } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == delimiter {
                fields.append(field)
                field = ""
            } else {
                field.append(c)
            }
        }
        fields.append(field)
        return fields
    }
}
