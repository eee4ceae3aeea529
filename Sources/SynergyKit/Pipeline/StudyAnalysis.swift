import Foundation

/// The group analysis of a study (Cheung et al. 2020, the Methods article, "Study
/// analysis") from its sessions' synergies, values in and a `StudyReport` out:
///
/// 1. analysis groups: a manifest group recorded at one time point is one
///    group; recorded at several, one group per time point ("novice week0");
/// 2. per group, k-means of the unit synergy vectors with k by the gap
///    statistic; a cluster is subject-invariant when it holds synergies of
///    ≥ 1/3 of the group's subjects;
/// 3. each group against the reference group: invariant centroids matched
///    (`ComparisonRules`), merging and fractionation of invariant centroids, and every
///    pair (group subject, reference subject) compared, each merging or
///    fractionation labelled by the clusters of the synergies involved and
///    ranked by the share of the group's subjects showing it;
/// 4. Merging Index of each session: the share of its synergies that are a
///    merging of a reference session's, averaged over the reference group's
///    sessions (the session itself left out);
/// 5. the group table with Mann–Whitney, t, Kruskal–Wallis and repeated-session
///    tests; 6. each subject's timeline, `compare` chained over their sessions.
public enum StudyAnalysis {
    /// A session as the analysis sees it: its manifest row and its result, or why it has none.
    public struct SessionResult: Sendable {
        /// The session's manifest row.
        public var entry: StudyManifest.Entry
        /// Its result (nil when it failed).
        public var report: SynergyReport?
        /// Why it failed (nil when it has a result).
        public var error: String?
        /// With `batch --bootstrap`: the session's resamples (`sessions/ID_resamples.json`).
        var resamples: SessionResamples?

        /// A session from its row and its result or error, without resamples.
        public init(entry: StudyManifest.Entry, report: SynergyReport?, error: String?) {
            (self.entry, self.report, self.error) = (entry, report, error)
        }
    }

    /// Reads every session's result from `folder` (as `batch` wrote them), with
    /// its resamples when the run has a bootstrap (a session without them, or
    /// with an unreadable file, gives its timeline steps no support).
    /// Sessions with neither a result nor a recorded failure make it an error.
    public static func collect(run: StudyRun, folder: String) throws -> [SessionResult] {
        let sessions = (folder as NSString).appendingPathComponent("sessions")
        var missing = [String]()
        var results = [SessionResult]()
        for entry in run.entries {
            let files = SessionFiles(folder: sessions, id: entry.id)
            if FileManager.default.fileExists(atPath: files.key), FileManager.default.fileExists(atPath: files.json) {
                let report = try SynergyReport.read(path: files.json)
                let expected = run.settings
                guard report.seed == expected.seed, report.protocol.factorization == expected.protocol.factorization,
                      report.protocol.criterion == expected.protocol.criterion, report.toolVersion == run.toolVersion else {
                    throw InputError(file: files.json, "was computed with other settings than \(StudyRun.path(in: folder)) "
                                     + "(protocol, seed or tool version); run 'synergy batch' again with the study's settings")
                }
                var result = SessionResult(entry: entry, report: report, error: nil)
                if run.settings.bootstrap != nil { result.resamples = SessionResamples.read(path: files.resamples) }
                results.append(result)
            } else if let data = FileManager.default.contents(atPath: files.error),
                      let failure = try? ReportJSON.decode(data) as SessionFailure {
                results.append(SessionResult(entry: entry, report: nil, error: failure.error))
            } else {
                missing.append(entry.id)
            }
        }
        if !missing.isEmpty {
            let listed = missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? ", …" : "")
            throw InputError(file: folder, "\(missing.count) session(s) have no result yet (\(listed)); "
                             + "run 'synergy batch' (every shard) to finish them")
        }
        return results
    }

    /// An analysis group's sessions.
    struct Group {
        var name: String
        var group: String
        var session: String
        var members: [Member]
    }

    /// One session that has synergies, weights in the study's muscle order.
    struct Member {
        var index: Int  // into the report's sessions
        var subject: String
        var weights: Matrix
    }

    /// The whole analysis of `results`, one per manifest row in its order (as `collect` reads them).
    public static func analyse(run: StudyRun, results: [SessionResult], threads: Int) throws -> StudyReport {
        precondition(results.count == run.entries.count, "one result per manifest row")
        let settings = run.settings.groupAnalysis
        let referenceName = try referenceGroup(settings.referenceGroup, entries: run.entries, manifest: run.manifest.name)
        let names = analysisGroupNames(run.entries)
        var sessions = [StudyReport.Session]()
        var weights = [Matrix?]()
        var resamples = [[SessionBootstrap.Resample]?]()
        let muscles = results.compactMap(\.report).first?.muscles ?? []
        for (result, name) in zip(results, names) {
            let entry = result.entry
            var session = StudyReport.Session(id: entry.id, subject: entry.subject, group: entry.group, session: entry.session,
                                              analysisGroup: name, path: entry.path)
            var w: Matrix?
            var resampled: [SessionBootstrap.Resample]?
            if let report = result.report {
                session.sha256 = report.input.sha256
                if let reordered = reorder(report, to: muscles) {
                    session.status = "ok"
                    session.result = "sessions/\(entry.id).json"
                    session.count = report.count
                    session.countInterval = report.bootstrap?.countInterval
                    session.rank = report.rank
                    session.r2AtCount = report.count.map { report.ranks[$0 - 1].r2 }
                    session.meanSparseness = report.sparseness.mean
                    w = reordered
                    if let order = muscleOrder(report, to: muscles) {
                        resampled = result.resamples?.bootstrapResamples(muscleOrder: order)
                    }
                } else {
                    session.error = "\(entry.path): its muscles (\(report.muscles.joined(separator: ", "))) differ from the "
                        + "study's (\(muscles.joined(separator: ", "))); give the manifest a muscles column"
                }
            } else {
                session.error = result.error
            }
            sessions.append(session)
            weights.append(w)
            resamples.append(resampled)
        }

        // Analysis groups in manifest order.
        var groups = [Group]()
        for (index, session) in sessions.enumerated() {
            if !groups.contains(where: { $0.name == session.analysisGroup }) {
                groups.append(Group(name: session.analysisGroup, group: session.group, session: session.session, members: []))
            }
            if let w = weights[index] {
                let g = groups.firstIndex { $0.name == session.analysisGroup }!
                groups[g].members.append(Member(index: index, subject: session.subject, weights: w))
            }
        }
        let reference = groups.first { $0.name == referenceName }!

        // Merging index of every session against the reference group.
        let comparisons = PairComparisons(settings: settings)
        for group in groups {
            for member in group.members {
                let values = try reference.members.filter { $0.index != member.index }.map {
                    try comparisons.compare(reference: $0, member).mergingIndexB
                }
                if !values.isEmpty { sessions[member.index].mergingIndex = values.reduce(0, +) / Double(values.count) }
            }
        }

        // Clusters per group.
        var clusterings = [String: (report: StudyReport.Clusters, labels: [Int: [Int]])]()
        var groupReports = [StudyReport.Group]()
        for (g, group) in groups.enumerated() {
            let rows = group.members.map { sessions[$0.index] }
            var report = StudyReport.Group(
                name: group.name, group: group.group, session: group.session, subjects: rows.map(\.subject), n: rows.count,
                count: .init(rows.compactMap(\.count).map(Double.init)), countDistribution: distribution(rows.compactMap(\.count)),
                uncounted: rows.filter { $0.count == nil }.count, sparseness: .init(rows.compactMap(\.meanSparseness)),
                mergingIndex: .init(rows.compactMap(\.mergingIndex)), clusters: nil, clustersNote: nil)
            var generator = SeededGenerator(seed: run.settings.seed, rank: 0x5EED, replicate: g)
            let seed = generator.next()
            if let clustered = cluster(group, sessions: sessions, settings: settings, seed: seed, threads: threads) {
                report.clusters = clustered.report
                clusterings[group.name] = clustered
            } else {
                report.clustersNote = "too few synergy vectors to cluster (\(group.members.reduce(0) { $0 + $1.weights.columns }); "
                    + "it takes at least 3, and more than the smallest number of clusters tried)"
            }
            groupReports.append(report)
        }

        let groupComparisons = try groups.map { group in
            try compare(group, with: reference, clusterings: clusterings, sessions: sessions, comparisons: comparisons,
                        settings: settings)
        }
        let timelines = try subjectTimelines(sessions: sessions, weights: weights, order: run.entries, settings: settings,
                                             resamples: resamples)
        return StudyReport(
            toolVersion: SynergyAnalysis.toolVersion, manifest: run.manifest, settings: run.settings, muscles: muscles,
            sessions: sessions, groups: groupReports, referenceGroup: reference.name, comparisons: groupComparisons,
            statistics: StudyStatistics.tests(groups: groupReports, sessions: sessions, reference: reference.name),
            timelines: timelines, failed: sessions.filter { $0.status != "ok" }.count)
    }

    /// A reference group that is none of the study's analysis groups.
    public struct UnknownReferenceGroup: Error, Equatable, CustomStringConvertible {
        /// The manifest's path.
        public var manifest: String
        /// The group asked for.
        public var name: String
        /// The study's analysis groups, each once, in the manifest's order.
        public var groups: [String]

        public var description: String {
            "\(manifest): the reference group '\(name)' is not one of its analysis groups ("
                + groups.map { "'\($0)'" }.joined(separator: ", ") + ")"
        }
    }

    /// The analysis group the others are compared with: `requested`, or else the first of `entries`' analysis
    /// groups. Checked by `batch` before any session runs, and by the analysis itself.
    /// - Throws: `UnknownReferenceGroup` when `requested` is none of them (`manifest` names the file).
    public static func referenceGroup(_ requested: String?, entries: [StudyManifest.Entry],
                                      manifest: String) throws -> String {
        var groups = [String]()
        for name in analysisGroupNames(entries) where !groups.contains(name) { groups.append(name) }
        let name = requested ?? groups.first ?? ""
        guard groups.contains(name) else { throw UnknownReferenceGroup(manifest: manifest, name: name, groups: groups) }
        return name
    }

    /// Each row's analysis group: its group, or "group session" when the group has several time points.
    public static func analysisGroupNames(_ entries: [StudyManifest.Entry]) -> [String] {
        var labels = [String: Set<String>]()
        for entry in entries { labels[entry.group, default: []].insert(entry.session) }
        return entries.map { labels[$0.group]!.count > 1 ? "\($0.group) \($0.session)" : $0.group }
    }

    /// The report's weights (muscles × rank) in `muscles` order, matched by name ignoring case; nil when the sets differ.
    static func reorder(_ report: SynergyReport, to muscles: [String]) -> Matrix? {
        guard let order = muscleOrder(report, to: muscles) else { return nil }
        var w = Matrix(rows: muscles.count, columns: report.synergies.count)
        for (j, synergy) in report.synergies.enumerated() {
            for (i, source) in order.enumerated() { w[i, j] = synergy.weights[source] }
        }
        return w
    }

    /// For each of `muscles`, its index among the report's muscles (matched by name ignoring case); nil when the sets differ.
    static func muscleOrder(_ report: SynergyReport, to muscles: [String]) -> [Int]? {
        guard report.muscles.count == muscles.count else { return nil }
        let lower = report.muscles.map { $0.lowercased() }
        let order = muscles.compactMap { lower.firstIndex(of: $0.lowercased()) }
        guard order.count == muscles.count, Set(order).count == muscles.count else { return nil }
        return order
    }

    static func distribution(_ counts: [Int]) -> [StudyReport.CountBin] {
        Dictionary(grouping: counts, by: { $0 }).map { StudyReport.CountBin(count: $0.key, sessions: $0.value.count) }
            .sorted { $0.count < $1.count }
    }

    /// k-means of a group's unit synergy vectors, k by the gap statistic; nil with fewer than 3
    /// vectors, or no more vectors than the smallest k tried.
    /// `labels` maps a session index to the cluster of each of its synergies.
    static func cluster(_ group: Group, sessions: [StudyReport.Session], settings: GroupAnalysisSettings, seed: UInt64,
                        threads: Int) -> (report: StudyReport.Clusters, labels: [Int: [Int]])? {
        var points = [[Double]](), owners = [(member: Int, synergy: Int)]()
        for (m, member) in group.members.enumerated() {
            let unit = SynergyComparison.unitColumns(member.weights)
            for j in 0..<unit.columns {
                points.append(unit.column(j))
                owners.append((m, j))
            }
        }
        guard points.count >= 3, points.count > settings.minimumClusters else { return nil }
        var gapSettings = GapStatistic.Settings()
        gapSettings.referenceSets = settings.gapReferenceSets
        gapSettings.replicates = settings.kmeansReplicates
        gapSettings.referenceReplicates = settings.gapReplicates
        gapSettings.maximumIterations = settings.kmeansMaximumIterations
        gapSettings.ks = settings.minimumClusters...max(settings.minimumClusters, settings.maximumClusters)
        let evaluation = GapStatistic.evaluate(points, settings: gapSettings, seed: seed, threads: threads)
        guard let position = evaluation.ks.firstIndex(of: evaluation.chosenK) else { return nil }
        let clustering = evaluation.clusterings[position]
        let subjects = Set(group.members.map(\.subject)).count
        var labels = [Int: [Int]]()
        for (point, owner) in owners.enumerated() {
            let index = group.members[owner.member].index
            labels[index, default: Array(repeating: 0, count: group.members[owner.member].weights.columns)][owner.synergy] =
                clustering.assignments[point]
        }
        let clusters = (0..<evaluation.chosenK).map { c -> StudyReport.Cluster in
            var members = [StudyReport.Member](), names = [String]()
            for (point, owner) in owners.enumerated() where clustering.assignments[point] == c {
                let member = group.members[owner.member]
                members.append(StudyReport.Member(session: sessions[member.index].id, synergy: owner.synergy))
                if !names.contains(member.subject) { names.append(member.subject) }
            }
            let share = Double(names.count) / Double(subjects)
            return StudyReport.Cluster(index: c, centroid: clustering.centroids[c], size: members.count, subjects: names,
                                       subjectShare: share, invariant: share >= settings.invariantFraction - 1e-12,
                                       members: members)
        }
        let gap = StudyReport.GapCurve(ks: evaluation.ks, logW: evaluation.logW, expectedLogW: evaluation.expectedLogW,
                                       gap: evaluation.gap, standardError: evaluation.standardError)
        return (StudyReport.Clusters(gap: gap, k: evaluation.chosenK, withinSumOfSquares: clustering.withinSumOfSquares,
                                     clusters: clusters), labels)
    }

    /// Comparisons of session pairs, each computed once (by one thread: the cache is not locked, so not `Sendable`).
    final class PairComparisons {
        private var cache = [[Int]: SynergyComparison]()
        let settings: GroupAnalysisSettings
        init(settings: GroupAnalysisSettings) { self.settings = settings }

        func compare(reference: Member, _ member: Member) throws -> SynergyComparison {
            if let known = cache[[reference.index, member.index]] { return known }
            let result = try SynergyComparison(a: reference.weights, b: member.weights, rules: settings.rules)
            cache[[reference.index, member.index]] = result
            return result
        }
    }

    /// A group against the reference group: centroids, then subject pairs.
    static func compare(_ group: Group, with reference: Group,
                        clusterings: [String: (report: StudyReport.Clusters, labels: [Int: [Int]])],
                        sessions: [StudyReport.Session], comparisons: PairComparisons,
                        settings: GroupAnalysisSettings) throws -> StudyReport.GroupComparison {
        var result = StudyReport.GroupComparison(
            group: group.name, reference: reference.name, matches: [], unmatched: [], unmatchedReference: [], merging: [],
            fractionation: [], subjectMerging: [], subjectFractionation: [],
            mergingIndex: group.members.compactMap { member in
                sessions[member.index].mergingIndex.map { .init(subject: member.subject, value: $0) }
            })
        guard let mine = clusterings[group.name], let theirs = clusterings[reference.name] else { return result }
        let invariant = mine.report.clusters.filter(\.invariant).map(\.index)
        let referenceInvariant = theirs.report.clusters.filter(\.invariant).map(\.index)
        if !invariant.isEmpty, !referenceInvariant.isEmpty {
            func centroids(_ clusters: StudyReport.Clusters, _ chosen: [Int]) -> Matrix {
                Matrix(rows: clusters.clusters[0].centroid.count, columns: chosen.count,
                       elements: chosen.flatMap { clusters.clusters[$0].centroid })
            }
            let comparison = try SynergyComparison(a: centroids(theirs.report, referenceInvariant),
                                                   b: centroids(mine.report, invariant), rules: settings.rules)
            result.matches = comparison.matches.map {
                .init(cluster: invariant[$0.b], referenceCluster: referenceInvariant[$0.a], similarity: $0.similarity)
            }
            result.unmatched = comparison.unmatchedB.map { invariant[$0] }
            result.unmatchedReference = comparison.unmatchedA.map { referenceInvariant[$0] }
            result.merging = comparison.merging.map {
                .init(cluster: invariant[$0.target], referenceClusters: $0.sources.map { referenceInvariant[$0] },
                      coefficients: $0.coefficients, similarity: $0.similarity)
            }
            result.fractionation = comparison.fractionation.map {
                .init(referenceCluster: referenceInvariant[$0.target], clusters: $0.sources.map { invariant[$0] },
                      coefficients: $0.coefficients, similarity: $0.similarity)
            }
        }
        // Subject pairs: every merging and fractionation, labelled by clusters.
        struct Label: Hashable { var clusters: [Int]; var referenceClusters: [Int] }
        var merging = [Label: (subjects: Set<String>, pairs: Int)]()
        var fractionation = [Label: (subjects: Set<String>, pairs: Int)]()
        for member in group.members {
            for other in reference.members where other.index != member.index {
                let comparison = try comparisons.compare(reference: other, member)
                let own = mine.labels[member.index]!, theirLabels = theirs.labels[other.index]!
                for combination in comparison.merging {
                    let label = Label(clusters: [own[combination.target]],
                                      referenceClusters: combination.sources.map { theirLabels[$0] }.sorted())
                    merging[label, default: ([], 0)].subjects.insert(member.subject)
                    merging[label]!.pairs += 1
                }
                for combination in comparison.fractionation {
                    let label = Label(clusters: combination.sources.map { own[$0] }.sorted(),
                                      referenceClusters: [theirLabels[combination.target]])
                    fractionation[label, default: ([], 0)].subjects.insert(member.subject)
                    fractionation[label]!.pairs += 1
                }
            }
        }
        let subjects = Set(group.members.map(\.subject)).count
        let order = group.members.map(\.subject)
        func ranked(_ table: [Label: (subjects: Set<String>, pairs: Int)]) -> [StudyReport.Instance] {
            table.map { label, seen in
                StudyReport.Instance(clusters: label.clusters, referenceClusters: label.referenceClusters,
                                     subjects: order.filter(seen.subjects.contains),
                                     share: Double(seen.subjects.count) / Double(max(1, subjects)), pairs: seen.pairs)
            }.sorted {
                ($0.share, $0.pairs) != ($1.share, $1.pairs) ? ($0.share, $0.pairs) > ($1.share, $1.pairs)
                    : ($0.clusters + [-1] + $0.referenceClusters).lexicographicallyPrecedes($1.clusters + [-1] + $1.referenceClusters)
            }
        }
        result.subjectMerging = ranked(merging)
        result.subjectFractionation = ranked(fractionation)
        return result
    }

    /// Subjects with two or more sessions, in the manifest's order of time points.
    /// When both sessions of a step have resamples (`resamples`, parallel to
    /// `sessions`, W in the study's muscle order) of the same number, each of
    /// the step's matches, mergings and fractionations gets its support
    /// (`ComparisonSupport`, resample b of one session paired with resample b of
    /// the other, whose streams differ).
    static func subjectTimelines(sessions: [StudyReport.Session], weights: [Matrix?], order: [StudyManifest.Entry],
                                 settings: GroupAnalysisSettings,
                                 resamples: [[SessionBootstrap.Resample]?] = []) throws -> [StudyReport.Timeline] {
        var labelOrder = [String: [String]]()
        for entry in order where !(labelOrder[entry.group]?.contains(entry.session) ?? false) {
            labelOrder[entry.group, default: []].append(entry.session)
        }
        var subjects = [String]()
        for session in sessions where !subjects.contains(session.subject) { subjects.append(session.subject) }
        return try subjects.compactMap { subject -> StudyReport.Timeline? in
            let indices = sessions.indices.filter { sessions[$0].subject == subject && weights[$0] != nil }
                .sorted { i, j in
                    let labels = labelOrder[sessions[i].group]!
                    return labels.firstIndex(of: sessions[i].session)! < labels.firstIndex(of: sessions[j].session)!
                }
            guard indices.count >= 2 else { return nil }
            func comparison(_ i: Int, _ j: Int) throws -> SynergyComparison {
                try SynergyComparison(a: weights[i]!, b: weights[j]!, rules: settings.rules)
            }
            let points = try indices.map { i -> StudyReport.TimelinePoint in
                let pairs = try comparison(indices[0], i).assignment
                return .init(session: sessions[i].session, count: sessions[i].count,
                             meanSparseness: sessions[i].meanSparseness ?? 0, mergingIndex: sessions[i].mergingIndex,
                             similarityToFirst: pairs.reduce(0) { $0 + $1.similarity } / Double(max(1, pairs.count)))
            }
            let steps = try zip(indices, indices.dropFirst()).map { i, j -> StudyReport.TimelineStep in
                let c = try comparison(i, j)
                var support: ComparisonSupport?
                if i < resamples.count, j < resamples.count, let a = resamples[i], let b = resamples[j], !a.isEmpty,
                   a.count == b.count, a.allSatisfy({ $0.weights.columns == weights[i]!.columns }),
                   b.allSatisfy({ $0.weights.columns == weights[j]!.columns }) {
                    support = try ComparisonSupport(c, a: a, b: b)
                }
                let instances = ComparisonReport.instances(c, support: support)
                return .init(from: sessions[i].session, to: sessions[j].session, matches: instances.matches,
                             unmatchedFrom: c.unmatchedA, unmatchedTo: c.unmatchedB, merging: instances.merging,
                             fractionation: instances.fractionation)
            }
            return .init(subject: subject, group: sessions[indices[0]].group, points: points, steps: steps)
        }
    }
}
