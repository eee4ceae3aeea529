import Foundation

/// A synthetic study with a planted group-level merging, the test bed for
/// `batch`: groups of subjects recorded at several time points.
///
/// - One set of k group synergies W (as `SyntheticRecording` plants them).
/// - Each subject's synergies are W with every weight scaled by
///   max(0, 1 + v·g), g standard normal, v the subject variability, then
///   unit-normalised; a subject keeps them across sessions.
/// - The first group ("control", the reference) keeps its k synergies at
///   every time point. In the other groups ("training", "group3", …) the first
///   time point has the k synergies too, and from the second on synergies
///   k−2 and k−1 are merged into one (weights summed, a single burst midway):
///   k − 1 synergies, one of them a merging of two of the reference's.
/// - With three or more time points, every third subject (the 3rd, 6th, …)
///   misses the last one, so subjects have different numbers of sessions.
/// Every recording draws its own strides and noise from (seed, subject, time point),
/// and its own electrode gains too, unless `recording.sameGains` gives all of a
/// subject's sessions one set drawn from (seed, subject).
public struct SyntheticStudy: Sendable {
    /// The shape of the study; `recording` shapes every session's recording.
    public struct Settings: Codable, Sendable, Equatable {
        /// Every recording's settings; its seed seeds the whole study.
        public var recording = SimulationSettings()
        /// Number of groups; the first is the reference "control".
        public var groups = 2
        /// Subjects in each group.
        public var subjectsPerGroup = 4
        /// Time points (sessions) per subject (≥ 1).
        public var timePoints = 3
        /// Weeks between time points, for the labels week0, week8, ….
        public var weeksBetween = 8
        /// v, the standard deviation of each subject's relative weight perturbation (0 … <1).
        public var subjectVariability = 0.1

        /// The default study: 2 groups of 4 subjects, 3 time points 8 weeks apart.
        public init() {}

        /// The first problem with these settings, or nil.
        public var problem: String? {
            if let problem = recording.problem { return problem }
            if groups < 1 { return "a study needs at least 1 group" }
            if subjectsPerGroup < 1 { return "a study needs at least 1 subject per group" }
            if timePoints < 1 { return "a study needs at least 1 time point" }
            if groups > 1, timePoints > 1, recording.synergies < 3 {
                return "the planted merging needs at least 3 synergies"
            }
            if !(subjectVariability >= 0 && subjectVariability < 1) { return "the subject variability must be in [0, 1)" }
            return nil
        }
    }

    /// One planned session; its recording is drawn when asked for, so a large
    /// study is written one recording at a time.
    public struct Session: Sendable {
        /// Subject identifier, S01, S02, … numbered across groups.
        public var subject: String
        /// The subject's group (`groupName(_:)`).
        public var group: String
        /// The time point's label, "week" + t·`weeksBetween` (week0, week8, … by default).
        public var session: String
        /// Whether this session carries the planted merging.
        public var merged: Bool
        /// The session's planted synergies (muscles × k, unit columns) and burst phases.
        public var weights: Matrix
        /// Burst centres of `weights`' synergies, as fractions of the stride.
        public var phases: [Double]
        /// The session's electrode gains, one per muscle.
        public var gains: [Double]
        /// The recording settings, with this session's own seed.
        public var settings: SimulationSettings

        /// The session's recording, drawn now from `settings`, `weights`, `phases` and `gains`.
        public var recording: SyntheticRecording {
            SyntheticRecording(settings, weights: weights, phases: phases, gains: gains)
        }
    }

    /// The settings the study was drawn with.
    public var settings: Settings
    /// The group synergies W (muscles × k, unit columns).
    public var weights: Matrix
    /// The synergies merged in the trained groups' later sessions.
    public var mergedSynergies: [Int]
    /// Every session: group by group, subject by subject, time point by time point.
    public var sessions: [Session]

    /// Group `index`'s name (0-based): "control", "training", then "group3", "group4", ….
    public static func groupName(_ index: Int) -> String {
        index == 0 ? "control" : index == 1 ? "training" : "group\(index + 1)"
    }

    /// Plans the study the settings describe (they must have no `problem`); recordings are drawn per session on demand.
    public init(_ settings: Settings) {
        precondition(settings.problem == nil, settings.problem ?? "")
        self.settings = settings
        var random = SeededGenerator(seed: settings.recording.seed)
        let base = SyntheticRecording.plantedWeights(settings.recording, &random)
        weights = base
        let (m, k) = (settings.recording.muscles, settings.recording.synergies)
        mergedSynergies = [k - 2, k - 1]
        let phases = SyntheticRecording.evenPhases(k)
        var sessions = [Session]()
        for g in 0..<settings.groups {
            for s in 0..<settings.subjectsPerGroup {
                let subjectIndex = g * settings.subjectsPerGroup + s
                let subject = String(format: "S%02d", subjectIndex + 1)
                var draw = SeededGenerator(seed: settings.recording.seed, rank: subjectIndex, replicate: -1)
                var own = base
                for i in 0..<m {
                    for j in 0..<k { own[i, j] *= max(0, 1 + settings.subjectVariability * SyntheticRecording.gaussian(&draw)) }
                }
                own = SyntheticRecording.unitColumns(own)
                var gainDraw = SeededGenerator(seed: settings.recording.seed, rank: subjectIndex,
                                               replicate: SyntheticRecording.gainStream)
                let subjectGains = SyntheticRecording.gains(settings.recording, &gainDraw)
                let points = settings.timePoints >= 3 && s % 3 == 2 ? settings.timePoints - 1 : settings.timePoints
                for t in 0..<points {
                    var recordingSettings = settings.recording
                    var seeds = SeededGenerator(seed: settings.recording.seed, rank: subjectIndex, replicate: t)
                    recordingSettings.seed = seeds.next()
                    let merged = g > 0 && t > 0 && k >= 3
                    var session = Session(subject: subject, group: Self.groupName(g), session: "week\(t * settings.weeksBetween)",
                                          merged: merged, weights: own, phases: phases,
                                          gains: settings.recording.sameGains ? subjectGains
                                              : SyntheticRecording.gains(recordingSettings),
                                          settings: recordingSettings)
                    if merged {
                        var columns = (0..<(k - 2)).map { own.column($0) }
                        columns.append((0..<m).map { own[$0, k - 2] + own[$0, k - 1] })
                        session.weights = SyntheticRecording.unitColumns(Matrix(rows: m, columns: k - 1,
                                                                                elements: columns.flatMap { $0 }))
                        session.phases = Array(phases[0..<(k - 2)]) + [(phases[k - 2] + phases[k - 1]) / 2]
                    }
                    sessions.append(session)
                }
            }
        }
        self.sessions = sessions
    }
}
