import Foundation

/// Where each session of a study run stands, read from its output folder
/// alone (`synergy status`), while shards run and after:
/// - `done`: its key and result are in `sessions/` (`ID.key`, `ID.json`);
/// - `failed`: it left `sessions/ID.error.json`, whose one-line error is kept;
/// - `running`: a batch process is computing it: `sessions/.ID.running.partial-HOST-PID`
///   exists, from a live process of this host or from another host (whose
///   processes cannot be checked from here);
/// - `pending`: none of these (not started, or its process was killed).
///
/// Running wins over an earlier result or error being recomputed.
public struct StudyStatus: Codable, Sendable, Equatable {
    /// Where a session is: a result, an error, a live process computing it, or none of these.
    public enum State: String, Codable, Sendable {
        case done, failed, running, pending
    }

    /// One session of the manifest and its state.
    public struct Session: Codable, Sendable, Equatable {
        /// The session's id (its files are `sessions/ID.*`).
        public var id: String
        /// The subject as the manifest names it.
        public var subject: String
        /// The manifest group.
        public var group: String
        /// The time point (session label).
        public var session: String
        /// Done, failed, running or pending.
        public var state: State
        /// The one-line error of a failed session.
        public var error: String?
    }

    /// Sessions with a result.
    public var done: Int
    /// Sessions that left an error.
    public var failed: Int
    /// Sessions a live (or other host's) process is computing.
    public var running: Int
    /// Sessions not started, or whose process was killed.
    public var pending: Int
    /// In the manifest's order.
    public var sessions: [Session]

    /// The status of the study in `folder` (a `batch` output folder with its `run.json`).
    public static func read(folder: String) throws -> StudyStatus {
        let run = try StudyRun.read(folder: folder)
        let sessionsFolder = (folder as NSString).appendingPathComponent("sessions")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: sessionsFolder)) ?? []
        let running = Set(names.compactMap(runningSession))
        let sessions = run.entries.map { entry -> Session in
            let files = SessionFiles(folder: sessionsFolder, id: entry.id)
            var session = Session(id: entry.id, subject: entry.subject, group: entry.group, session: entry.session,
                                  state: .pending, error: nil)
            if running.contains(entry.id) {
                session.state = .running
            } else if FileManager.default.fileExists(atPath: files.key), FileManager.default.fileExists(atPath: files.json) {
                session.state = .done
            } else if let data = FileManager.default.contents(atPath: files.error) {
                session.state = .failed
                session.error = (try? ReportJSON.decode(data) as SessionFailure)?.error ?? "(unreadable \(files.error))"
            }
            return session
        }
        func count(_ state: State) -> Int { sessions.lazy.filter { $0.state == state }.count }
        return StudyStatus(done: count(.done), failed: count(.failed), running: count(.running), pending: count(.pending),
                           sessions: sessions)
    }

    /// The session a running marker (`.ID.running.partial-HOST-PID`) names, if
    /// `name` is one and its process may be alive.
    private static func runningSession(_ name: String) -> String? {
        guard let owner = OutputFiles.temporaryOwner(name), owner.host != OutputFiles.hostName || OutputFiles.isRunning(owner.process),
              let suffix = name.range(of: SessionFiles.runningSuffix + ".partial-", options: .backwards) else { return nil }
        return String(name[name.index(after: name.startIndex)..<suffix.lowerBound])
    }

    /// The status as JSON (`status --json`): keys sorted, snake_case.
    public func jsonData() throws -> Data { try ReportJSON.encode(self) }
}
