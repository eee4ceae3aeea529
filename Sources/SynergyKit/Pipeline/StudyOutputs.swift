import Foundation

/// The study-level files of an output folder: `study.json`, `summary.csv` and
/// `report.html`, written together (all or nothing) from the sessions'
/// results. `batch` ends with it and `merge` is only it, so a sharded run
/// merged gives the same bytes as one run.
public enum StudyOutputs {
    /// Reads the run and the sessions' results in `folder`, analyses them and
    /// writes the three files; temporaries that killed runs on this machine left
    /// in the folder or its sessions are removed.
    @discardableResult
    public static func write(folder: String, threads: Int) throws -> StudyReport {
        OutputFiles.removeAbandonedTemporaries(in: (folder as NSString).appendingPathComponent("sessions"))
        let run = try StudyRun.read(folder: folder)
        let results = try StudyAnalysis.collect(run: run, folder: folder)
        let report = try StudyAnalysis.analyse(run: run, results: results, threads: threads)
        let figures = Dictionary(uniqueKeysWithValues: report.sessions.filter { $0.status == "ok" }.map {
            ($0.id, "sessions/\($0.id).svg")
        })
        func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        try OutputFiles.write([
            (path("summary.csv"), Data(StudySummaryCSV.render(report).utf8)),
            (path("report.html"), Data(StudyHTML.render(report, sessionFigures: figures).utf8)),
            (path("study.json"), try report.jsonData()),
        ])
        return report
    }
}
