import Foundation

/// The JSON document of a study run (`synergy batch`, `synergy merge`): the
/// settings, every session's outcome, the group analysis of Cheung et al.
/// (2020) (clusters, group table, statistics, comparison with the reference
/// group) and each athlete's timeline. Indices are 0-based; clusters are
/// numbered within their group. It holds no time stamps or thread counts, so
/// the same inputs, seed and settings give the same bytes.
public struct StudyReport: Codable, Sendable, Equatable {
    public var toolVersion: String
    public var command = "study"
    public var manifest: ManifestSource
    public var settings: StudySettings
    /// The study's muscles: every session's synergy weights are in this order.
    public var muscles: [String]
    public var sessions: [Session]
    /// The analysis groups in manifest order (a group recorded at several
    /// time points is one analysis group per time point, named "group session").
    public var groups: [Group]
    public var referenceGroup: String
    /// Each analysis group against the reference group (the reference itself included).
    public var comparisons: [GroupComparison]
    public var statistics: [Statistic]
    public var timelines: [Timeline]
    public var failed: Int

    public struct ManifestSource: Codable, Sendable, Equatable {
        /// The manifest's file name (its folder is where session paths start).
        public var name: String
        public var sha256: String
        public init(name: String, sha256: String) { (self.name, self.sha256) = (name, sha256) }
    }

    /// One manifest row and what became of it.
    public struct Session: Codable, Sendable, Equatable {
        public var id: String
        public var subject: String
        public var group: String
        public var session: String
        public var analysisGroup: String
        /// The input as the manifest names it, and its SHA-256.
        public var path: String
        public var sha256: String?
        /// "ok" or "failed".
        public var status: String
        public var error: String?
        /// The session's `count` JSON, relative to the output folder.
        public var result: String?
        public var count: Int?
        /// With a bootstrap: the count's 95 % interval (null: no rank met the criterion there).
        public var countInterval: [Int?]?
        /// The rank whose synergies enter the group analysis (the count, or the
        /// highest rank when no rank met the criterion).
        public var rank: Int?
        public var r2AtCount: Double?
        public var meanSparseness: Double?
        /// Merging index against the reference group (mean over its sessions).
        public var mergingIndex: Double?

        public init(id: String, subject: String, group: String, session: String, analysisGroup: String, path: String) {
            (self.id, self.subject, self.group, self.session) = (id, subject, group, session)
            (self.analysisGroup, self.path, self.status) = (analysisGroup, path, "failed")
        }
    }

    public struct MeanSD: Codable, Sendable, Equatable {
        public var mean: Double
        /// Sample standard deviation (n − 1); 0 for a single value.
        public var sd: Double
        public var n: Int

        public init(_ values: [Double]) {
            n = values.count
            mean = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
            let m = mean
            sd = values.count < 2 ? 0
                : (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
        }
    }

    public struct CountBin: Codable, Sendable, Equatable {
        public var count: Int
        public var sessions: Int
    }

    /// One analysis group's row of the group table and its clusters.
    public struct Group: Codable, Sendable, Equatable {
        public var name: String
        public var group: String
        public var session: String
        /// Subjects with a result in this group.
        public var subjects: [String]
        public var n: Int
        public var count: MeanSD
        public var countDistribution: [CountBin]
        /// Sessions where no rank met the criterion (left out of `count`).
        public var uncounted: Int
        public var sparseness: MeanSD
        public var mergingIndex: MeanSD
        public var clusters: Clusters?
        /// Why there are no clusters (e.g. fewer than 3 synergy vectors).
        public var clustersNote: String?
    }

    /// The k-means clustering of a group's synergy vectors, k by the gap statistic.
    public struct Clusters: Codable, Sendable, Equatable {
        public var gap: GapCurve
        public var k: Int
        public var withinSumOfSquares: Double
        public var clusters: [Cluster]
    }

    public struct GapCurve: Codable, Sendable, Equatable {
        public var ks: [Int]
        public var logW: [Double]
        public var expectedLogW: [Double]
        public var gap: [Double]
        /// s_k = sd_k · √(1 + 1/B).
        public var standardError: [Double]
    }

    public struct Cluster: Codable, Sendable, Equatable {
        public var index: Int
        /// Mean of the member synergies' unit weight vectors (not renormalised).
        public var centroid: [Double]
        public var size: Int
        public var subjects: [String]
        /// Share of the group's subjects with a synergy in this cluster.
        public var subjectShare: Double
        /// Holds synergies of at least the invariant fraction (1/3) of the subjects.
        public var invariant: Bool
        public var members: [Member]
    }

    public struct Member: Codable, Sendable, Equatable {
        public var session: String
        public var synergy: Int
    }

    /// An analysis group set against the reference group, at the level of
    /// cluster centroids and of every pair of subjects.
    public struct GroupComparison: Codable, Sendable, Equatable {
        public var group: String
        public var reference: String
        /// Invariant clusters matched one-to-one (similarity ≥ threshold).
        public var matches: [ClusterMatch]
        public var unmatched: [Int]
        public var unmatchedReference: [Int]
        /// Invariant centroids of the group explained as merging of the reference's.
        public var merging: [CentroidMerging]
        /// Invariant centroids of the reference explained as fractionation into the group's.
        public var fractionation: [CentroidFractionation]
        /// Merging instances over every (group subject, reference subject) pair,
        /// labelled by clusters, ranked by the share of the group's subjects showing them.
        public var subjectMerging: [Instance]
        public var subjectFractionation: [Instance]
        /// Merging index of each subject of the group against the reference group.
        public var mergingIndex: [SubjectValue]
    }

    public struct ClusterMatch: Codable, Sendable, Equatable {
        public var cluster: Int
        public var referenceCluster: Int
        public var similarity: Double
    }

    public struct CentroidMerging: Codable, Sendable, Equatable {
        public var cluster: Int
        public var referenceClusters: [Int]
        public var coefficients: [Double]
        public var similarity: Double
    }

    public struct CentroidFractionation: Codable, Sendable, Equatable {
        public var referenceCluster: Int
        public var clusters: [Int]
        public var coefficients: [Double]
        public var similarity: Double
    }

    /// One kind of merging (or fractionation) seen between subjects: for a
    /// merging, `cluster` holds the merged synergy of the group's subject and
    /// `reference_clusters` its sources; for a fractionation, `reference_clusters`
    /// holds the one fractionated synergy and `clusters` its fractions.
    public struct Instance: Codable, Sendable, Equatable {
        public var clusters: [Int]
        public var referenceClusters: [Int]
        /// Subjects of the group showing it against at least one reference subject.
        public var subjects: [String]
        public var share: Double
        /// Subject pairs showing it.
        public var pairs: Int
    }

    public struct SubjectValue: Codable, Sendable, Equatable {
        public var subject: String
        public var value: Double
    }

    /// One test of the group table; `error` says why it could not be computed.
    public struct Statistic: Codable, Sendable, Equatable {
        /// count, sparseness or merging_index.
        public var metric: String
        public var test: String
        public var groups: [String]
        public var statistic: Double?
        public var pValue: Double?
        public var method: String?
        public var error: String?
    }

    /// A subject recorded more than once, session by session.
    public struct Timeline: Codable, Sendable, Equatable {
        public var subject: String
        public var group: String
        public var points: [TimelinePoint]
        /// Each session against the one before: `compare` chained.
        public var steps: [TimelineStep]
    }

    public struct TimelinePoint: Codable, Sendable, Equatable {
        public var session: String
        public var count: Int?
        public var meanSparseness: Double
        /// Against the reference group; null when it has no other session.
        public var mergingIndex: Double?
        /// Mean similarity of the optimal one-to-one pairs with the first session's synergies (1 for the first).
        public var similarityToFirst: Double
    }

    public struct TimelineStep: Codable, Sendable, Equatable {
        public var from: String
        public var to: String
        public var matches: [SynergyComparison.Match]
        public var unmatchedFrom: [Int]
        public var unmatchedTo: [Int]
        public var merging: [ComparisonReport.Merging]
        public var fractionation: [ComparisonReport.Fractionation]
    }

    public func jsonData() throws -> Data { try ReportJSON.encode(self) }

    public static func decode(_ data: Data) throws -> StudyReport { try ReportJSON.decode(data) }
}

/// Everything that decides a study's numbers besides its inputs.
public struct StudySettings: Codable, Sendable, Equatable {
    public var `protocol`: SynergyProtocol
    public var seed: UInt64
    /// Highest rank of each session's sweep (nil: the protocol's rule).
    public var maxRank: Int?
    public var input: String
    public var groupAnalysis: GroupAnalysisSettings
    /// With `--bootstrap N`: each session's resamples (absent otherwise).
    public var bootstrap: BootstrapPlan?

    public init(protocol: SynergyProtocol, seed: UInt64, maxRank: Int?, input: String,
                groupAnalysis: GroupAnalysisSettings, bootstrap: BootstrapPlan? = nil) {
        self.protocol = `protocol`
        (self.seed, self.maxRank, self.input, self.groupAnalysis) = (seed, maxRank, input, groupAnalysis)
        self.bootstrap = bootstrap
    }
}

/// The group analysis' parameters (defaults: Cheung et al. 2020, README "Methods › Study analysis";
/// the k-means iteration cap: "Methods › Choices the sources leave open").
public struct GroupAnalysisSettings: Codable, Sendable, Equatable {
    /// k-means replicates on a group's synergy vectors (1000).
    public var kmeansReplicates = 1000
    public var kmeansMaximumIterations = 100
    /// Gap statistic: reference sets B (500), k-means replicates per reference set (100), k range (2…20).
    public var gapReferenceSets = 500
    public var gapReplicates = 100
    public var minimumClusters = 2
    public var maximumClusters = 20
    /// A cluster is subject-invariant when it holds synergies of ≥ this share of the subjects (1/3).
    public var invariantFraction = 1.0 / 3.0
    /// Matching, merging and fractionation (`rules`, Cheung et al. 2020's by default), as the JSON records them.
    public var threshold = ComparisonRules.cheung2020.similarityThreshold
    public var coefficientMinimum = ComparisonRules.cheung2020.coefficientMinimum
    /// The analysis group others are compared with (nil: the first in the manifest).
    public var referenceGroup: String?

    public init() {}

    /// When synergies and centroids match, and when a merging or fractionation counts.
    public var rules: ComparisonRules {
        get { ComparisonRules(similarityThreshold: threshold, coefficientMinimum: coefficientMinimum) }
        set { (threshold, coefficientMinimum) = (newValue.similarityThreshold, newValue.coefficientMinimum) }
    }
}
