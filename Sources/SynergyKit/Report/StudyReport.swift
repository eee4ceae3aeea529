import Foundation

/// The JSON document of a study run (`synergy batch`, `synergy merge`): the
/// settings, every session's outcome, the group analysis of Cheung et al.
/// (2020) (clusters, group table, statistics, comparison with the reference
/// group) and each athlete's timeline. Indices are 0-based; clusters are
/// numbered within their group. It holds no time stamps or thread counts, so
/// the same inputs, seed and settings give the same bytes.
public struct StudyReport: Codable, Sendable, Equatable {
    /// Version of synergy that wrote the report (`SynergyAnalysis.toolVersion`).
    public var toolVersion: String
    /// Always "study".
    public var command = "study"
    /// The manifest the study was run from.
    public var manifest: ManifestSource
    /// Everything that decides the study's numbers besides its inputs.
    public var settings: StudySettings
    /// The study's muscles: every session's synergy weights are in this order.
    public var muscles: [String]
    /// Every manifest row, in the manifest's order.
    public var sessions: [Session]
    /// The analysis groups in manifest order (a group recorded at several
    /// time points is one analysis group per time point, named "group session").
    public var groups: [Group]
    /// Name of the analysis group the others are compared with.
    public var referenceGroup: String
    /// Each analysis group against the reference group (the reference itself included).
    public var comparisons: [GroupComparison]
    /// The group table's tests of count, sparseness and Merging Index.
    public var statistics: [Statistic]
    /// Subjects with at least 2 sessions that have synergies, in manifest order.
    public var timelines: [Timeline]
    /// The number of sessions without a usable result (status "failed").
    public var failed: Int

    /// The manifest's name and the SHA-256 of its bytes.
    public struct ManifestSource: Codable, Sendable, Equatable {
        /// The manifest's file name (its folder is where session paths start).
        public var name: String
        /// SHA-256 of the manifest's bytes (hex).
        public var sha256: String
        /// Creates a source from the manifest's file name and its SHA-256.
        public init(name: String, sha256: String) { (self.name, self.sha256) = (name, sha256) }
    }

    /// One manifest row and what became of it.
    public struct Session: Codable, Sendable, Equatable {
        /// The session's id, `subject_session` (its files are `sessions/ID.*`).
        public var id: String
        /// The subject as the manifest names it.
        public var subject: String
        /// The manifest group.
        public var group: String
        /// The time point (session label) as the manifest names it.
        public var session: String
        /// The analysis group: the manifest group, or "group session" when it is recorded at several time points.
        public var analysisGroup: String
        /// The input as the manifest names it, and its SHA-256.
        public var path: String
        /// SHA-256 of the input's bytes (nil when the session has no result).
        public var sha256: String?
        /// "ok" or "failed".
        public var status: String
        /// Why the session failed (nil when it succeeded).
        public var error: String?
        /// The session's `count` JSON, relative to the output folder.
        public var result: String?
        /// The number of synergies (nil: no rank met the criterion, or the session failed).
        public var count: Int?
        /// With a bootstrap: the count's 95 % interval (null: no rank met the criterion there).
        public var countInterval: [Int?]?
        /// The rank whose synergies enter the group analysis (the count, or the
        /// highest rank when no rank met the criterion).
        public var rank: Int?
        /// R² of the count's rank (nil without a count).
        public var r2AtCount: Double?
        /// Mean Hoyer sparseness of the reported rank's synergy weights, 0–1.
        public var meanSparseness: Double?
        /// Merging index against the reference group (mean over its sessions).
        public var mergingIndex: Double?

        /// Creates a row with status "failed" and no result; the analysis fills in the rest.
        public init(id: String, subject: String, group: String, session: String, analysisGroup: String, path: String) {
            (self.id, self.subject, self.group, self.session) = (id, subject, group, session)
            (self.analysisGroup, self.path, self.status) = (analysisGroup, path, "failed")
        }
    }

    /// Mean, sample standard deviation and number of a set of values.
    public struct MeanSD: Codable, Sendable, Equatable {
        /// Arithmetic mean (0 for no values).
        public var mean: Double
        /// Sample standard deviation (n − 1); 0 for a single value.
        public var sd: Double
        /// Number of values.
        public var n: Int

        /// Mean, sample SD (n − 1) and n of `values`.
        public init(_ values: [Double]) {
            n = values.count
            mean = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
            let m = mean
            sd = values.count < 2 ? 0
                : (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
        }
    }

    /// How many sessions have a given synergy count.
    public struct CountBin: Codable, Sendable, Equatable {
        /// The synergy count.
        public var count: Int
        /// The number of sessions with that count.
        public var sessions: Int
    }

    /// One analysis group's row of the group table and its clusters.
    public struct Group: Codable, Sendable, Equatable {
        /// The analysis group's name (`Session.analysisGroup`).
        public var name: String
        /// The manifest group.
        public var group: String
        /// The time point (session label).
        public var session: String
        /// Subjects with a result in this group.
        public var subjects: [String]
        /// The number of sessions with a result.
        public var n: Int
        /// Synergy count over the sessions with a count.
        public var count: MeanSD
        /// Sessions per count, ascending.
        public var countDistribution: [CountBin]
        /// Sessions where no rank met the criterion (left out of `count`).
        public var uncounted: Int
        /// Mean sparseness over the sessions (each session's mean over its synergies).
        public var sparseness: MeanSD
        /// Merging Index against the reference group over the sessions that have one.
        public var mergingIndex: MeanSD
        /// The clustering of the group's synergy vectors (nil: see `clustersNote`).
        public var clusters: Clusters?
        /// Why there are no clusters (e.g. fewer than 3 synergy vectors).
        public var clustersNote: String?
    }

    /// The k-means clustering of a group's synergy vectors, k by the gap statistic.
    public struct Clusters: Codable, Sendable, Equatable {
        /// The gap statistic over the k tried.
        public var gap: GapCurve
        /// The number of clusters, chosen by the gap statistic.
        public var k: Int
        /// W_k: the within-cluster sum of squared distances to the centroids at the chosen k.
        public var withinSumOfSquares: Double
        /// The clusters, numbered 0 ..< k within the group.
        public var clusters: [Cluster]
    }

    /// The gap statistic (Tibshirani et al. 2001) over the range of k tried.
    public struct GapCurve: Codable, Sendable, Equatable {
        /// The numbers of clusters tried.
        public var ks: [Int]
        /// log W_k of the data for each k.
        public var logW: [Double]
        /// Mean log W_k over the B uniform reference sets.
        public var expectedLogW: [Double]
        /// Gap(k) = E[log W_k] − log W_k.
        public var gap: [Double]
        /// s_k = sd_k · √(1 + 1/B).
        public var standardError: [Double]
    }

    /// One k-means cluster of a group's synergy vectors.
    public struct Cluster: Codable, Sendable, Equatable {
        /// The cluster's number within its group, 0-based.
        public var index: Int
        /// Mean of the member synergies' unit weight vectors (not renormalised).
        public var centroid: [Double]
        /// The number of synergies in the cluster.
        public var size: Int
        /// Subjects with a synergy in the cluster, each once.
        public var subjects: [String]
        /// Share of the group's subjects with a synergy in this cluster.
        public var subjectShare: Double
        /// Holds synergies of at least the invariant fraction (1/3) of the subjects.
        public var invariant: Bool
        /// The synergies in the cluster.
        public var members: [Member]
    }

    /// One synergy of one session: a cluster member.
    public struct Member: Codable, Sendable, Equatable {
        /// The session's id.
        public var session: String
        /// The synergy's index within the session's reported rank, 0-based.
        public var synergy: Int
    }

    /// An analysis group set against the reference group, at the level of
    /// cluster centroids and of every pair of subjects.
    public struct GroupComparison: Codable, Sendable, Equatable {
        /// The analysis group compared.
        public var group: String
        /// The reference group.
        public var reference: String
        /// Invariant clusters matched one-to-one (similarity ≥ threshold).
        public var matches: [ClusterMatch]
        /// The group's invariant clusters in no match.
        public var unmatched: [Int]
        /// The reference's invariant clusters in no match.
        public var unmatchedReference: [Int]
        /// Invariant centroids of the group explained as merging of the reference's.
        public var merging: [CentroidMerging]
        /// Invariant centroids of the reference explained as fractionation into the group's.
        public var fractionation: [CentroidFractionation]
        /// Merging instances over every (group subject, reference subject) pair,
        /// labelled by clusters, ranked by the share of the group's subjects showing them.
        public var subjectMerging: [Instance]
        /// Fractionation instances over every (group subject, reference subject) pair, ranked like `subjectMerging`.
        public var subjectFractionation: [Instance]
        /// Merging index of each subject of the group against the reference group.
        public var mergingIndex: [SubjectValue]
    }

    /// A group's invariant cluster matched with one of the reference's.
    public struct ClusterMatch: Codable, Sendable, Equatable {
        /// The group's cluster.
        public var cluster: Int
        /// The reference group's cluster.
        public var referenceCluster: Int
        /// Scalar product of the two unit-normalised centroids, 0–1.
        public var similarity: Double
    }

    /// A group's invariant centroid as a non-negative combination of ≥ 2 of the reference's.
    public struct CentroidMerging: Codable, Sendable, Equatable {
        /// The group's cluster.
        public var cluster: Int
        /// The reference's clusters combined.
        public var referenceClusters: [Int]
        /// Each source centroid's non-negative coefficient, in `referenceClusters` order.
        public var coefficients: [Double]
        /// Similarity of the combination with the merged centroid, 0–1.
        public var similarity: Double
    }

    /// A reference invariant centroid as a non-negative combination of ≥ 2 of the group's.
    public struct CentroidFractionation: Codable, Sendable, Equatable {
        /// The reference's cluster that fractionates.
        public var referenceCluster: Int
        /// The group's clusters it fractionates into.
        public var clusters: [Int]
        /// Each fraction's non-negative coefficient, in `clusters` order.
        public var coefficients: [Double]
        /// Similarity of the combination with the fractionated centroid, 0–1.
        public var similarity: Double
    }

    /// One kind of merging (or fractionation) seen between subjects: for a
    /// merging, `cluster` holds the merged synergy of the group's subject and
    /// `reference_clusters` its sources; for a fractionation, `reference_clusters`
    /// holds the one fractionated synergy and `clusters` its fractions.
    public struct Instance: Codable, Sendable, Equatable {
        /// The group subject's clusters involved.
        public var clusters: [Int]
        /// The reference subject's clusters involved.
        public var referenceClusters: [Int]
        /// Subjects of the group showing it against at least one reference subject.
        public var subjects: [String]
        /// `subjects` as a share of the group's subjects, 0–1.
        public var share: Double
        /// Subject pairs showing it.
        public var pairs: Int
    }

    /// One subject's value of a metric.
    public struct SubjectValue: Codable, Sendable, Equatable {
        /// The subject.
        public var subject: String
        /// The value (here: the subject's Merging Index, 0–1).
        public var value: Double
    }

    /// One test of the group table; `error` says why it could not be computed.
    public struct Statistic: Codable, Sendable, Equatable {
        /// count, sparseness or merging_index.
        public var metric: String
        /// mann_whitney_u, student_t, kruskal_wallis, wilcoxon_signed_rank or friedman.
        public var test: String
        /// The analysis groups tested (a pair, all independent groups, or one group's time points).
        public var groups: [String]
        /// The test statistic: U, t, H, min(R⁺, R⁻) or Friedman's Q (nil on error).
        public var statistic: Double?
        /// The p-value (two-sided where the test has sides), at most 1 (nil on error).
        public var pValue: Double?
        /// How p was obtained: exact, permutation, asymptotic, chi_squared or t (nil on error).
        public var method: String?
        /// Why the test could not be computed (nil when it was).
        public var error: String?
    }

    /// A subject recorded more than once, session by session.
    public struct Timeline: Codable, Sendable, Equatable {
        /// The subject.
        public var subject: String
        /// The subject's manifest group.
        public var group: String
        /// One point per session with synergies, in time-point order.
        public var points: [TimelinePoint]
        /// Each session against the one before: `compare` chained.
        public var steps: [TimelineStep]
    }

    /// One session of a subject's timeline.
    public struct TimelinePoint: Codable, Sendable, Equatable {
        /// The time point (session label).
        public var session: String
        /// The synergy count (nil: no rank met the criterion).
        public var count: Int?
        /// Mean sparseness of the session's synergies, 0–1.
        public var meanSparseness: Double
        /// Against the reference group; null when it has no other session.
        public var mergingIndex: Double?
        /// Mean similarity of the optimal one-to-one pairs with the first session's synergies (1 for the first).
        public var similarityToFirst: Double
    }

    /// One session compared with the next: `compare`'s matches, mergings and fractionations.
    public struct TimelineStep: Codable, Sendable, Equatable {
        /// The earlier session's label (side A).
        public var from: String
        /// The later session's label (side B).
        public var to: String
        /// Pairs of the optimal one-to-one assignment at or above the threshold.
        public var matches: [SynergyComparison.Match]
        /// Synergies of the earlier session in no match.
        public var unmatchedFrom: [Int]
        /// Synergies of the later session in no match.
        public var unmatchedTo: [Int]
        /// Synergies of the later session as a merging of ≥ 2 of the earlier one's.
        public var merging: [ComparisonReport.Merging]
        /// Synergies of the earlier session fractionated into ≥ 2 of the later one's.
        public var fractionation: [ComparisonReport.Fractionation]
    }

    /// The report as JSON: keys sorted, snake_case, byte-identical for the same report.
    public func jsonData() throws -> Data { try ReportJSON.encode(self) }

    /// Reads a report from `jsonData()`'s JSON; throws a `DecodingError` when it does not fit.
    public static func decode(_ data: Data) throws -> StudyReport { try ReportJSON.decode(data) }
}

/// Everything that decides a study's numbers besides its inputs.
public struct StudySettings: Codable, Sendable, Equatable {
    /// The protocol every session was run with.
    public var `protocol`: SynergyProtocol
    /// Seed of the random starts, the resamples and the group analysis' k-means.
    public var seed: UInt64
    /// Highest rank of each session's sweep (nil: the protocol's rule).
    public var maxRank: Int?
    /// How sessions are read: "raw" (preprocessed by the protocol) or "envelope".
    public var input: String
    /// The group analysis' parameters.
    public var groupAnalysis: GroupAnalysisSettings
    /// With `--bootstrap N`: each session's resamples (absent otherwise).
    public var bootstrap: BootstrapPlan?

    /// Creates settings from their parts.
    public init(protocol: SynergyProtocol, seed: UInt64, maxRank: Int?, input: String,
                groupAnalysis: GroupAnalysisSettings, bootstrap: BootstrapPlan? = nil) {
        self.protocol = `protocol`
        (self.seed, self.maxRank, self.input, self.groupAnalysis) = (seed, maxRank, input, groupAnalysis)
        self.bootstrap = bootstrap
    }
}

/// The group analysis' parameters (defaults: Cheung et al. 2020, the Methods article, "Study analysis";
/// the k-means iteration cap: "Methods › Choices the sources leave open").
public struct GroupAnalysisSettings: Codable, Sendable, Equatable {
    /// k-means replicates on a group's synergy vectors (1000).
    public var kmeansReplicates = 1000
    /// k-means iteration cap per replicate (100).
    public var kmeansMaximumIterations = 100
    /// Gap statistic: reference sets B (500), k-means replicates per reference set (100), k range (2…20).
    public var gapReferenceSets = 500
    /// k-means replicates per gap reference set (100).
    public var gapReplicates = 100
    /// Smallest k tried (2).
    public var minimumClusters = 2
    /// Largest k tried (20).
    public var maximumClusters = 20
    /// A cluster is subject-invariant when it holds synergies of ≥ this share of the subjects (1/3).
    public var invariantFraction = 1.0 / 3.0
    /// Matching, merging and fractionation (`rules`, Cheung et al. 2020's by default), as the JSON records them.
    public var threshold = ComparisonRules.cheung2020.similarityThreshold
    /// Smallest coefficient for a source to count in a merging or fractionation.
    public var coefficientMinimum = ComparisonRules.cheung2020.coefficientMinimum
    /// The analysis group others are compared with (nil: the first in the manifest).
    public var referenceGroup: String?

    /// The defaults: Cheung et al. (2020)'s, and 100 k-means iterations.
    public init() {}

    /// When synergies and centroids match, and when a merging or fractionation counts.
    public var rules: ComparisonRules {
        get { ComparisonRules(similarityThreshold: threshold, coefficientMinimum: coefficientMinimum) }
        set { (threshold, coefficientMinimum) = (newValue.similarityThreshold, newValue.coefficientMinimum) }
    }
}
