import Foundation

/// The group tests a cohort report prints beside its table (Cheung et al.
/// 2020, Fig. 2: synergy counts and sparseness compared between groups and
/// over time), written to give what SciPy 1.17's `scipy.stats` gives when
/// called with its defaults. Every test is two-sided; p-values are capped at 1.
///
/// - `mannWhitneyU(x, y)`: Mann–Whitney U (Wilcoxon rank-sum), two independent
///   samples. H₀: a value of x is as likely to exceed a value of y as the
///   reverse (P(X > Y) = P(Y > X)). Statistic U₁ = R₁ − n₁(n₁ + 1)/2, R₁ the
///   sum of x's ranks in the pooled sample (average ranks for ties), i.e. the
///   pairs (xᵢ, yⱼ) with xᵢ > yⱼ, ties counting ½. As `mannwhitneyu(x, y)`,
///   method 'auto': **exact** when min(n₁, n₂) ≤ 8 and the pooled sample has no
///   ties, p = 2·P(U ≥ max(U₁, U₂)) from the permutation distribution of U
///   (counted, see `mannWhitneyLowerTail`); otherwise **asymptotic**:
///   z = (max(U₁, U₂) − n₁n₂/2 − ½)/σ with the tie-corrected
///   σ² = n₁n₂/12·((N + 1) − Σ(t³ − t)/(N(N − 1))), t the sizes of the groups
///   of tied values, N = n₁ + n₂, and p = 2·(1 − Φ(z)).
/// - `kruskalWallis(groups)`: Kruskal–Wallis H, k ≥ 2 independent samples.
///   H₀: all groups come from the same distribution.
///   H = 12/(N(N + 1))·Σᵢ (Rᵢ − nᵢ(N + 1)/2)²/nᵢ divided by the tie correction
///   1 − Σ(t³ − t)/(N³ − N), as `kruskal(*groups)`; p from χ² with k − 1
///   degrees of freedom (**chi_squared**).
/// - `friedman(conditions)`: Friedman's test, k ≥ 3 related samples (each
///   inner array one condition, e.g. a time point, the same subjects in the
///   same order in each). H₀: within a subject every ordering of the
///   conditions is equally likely. Ranks within each subject (average ranks
///   for ties), Rⱼ the rank sum of condition j over n subjects:
///   Q = 12/(nk(k + 1))·Σⱼ (Rⱼ − n(k + 1)/2)² divided by the tie correction
///   1 − Σ t(t² − 1)/(nk(k² − 1)), as `friedmanchisquare(*conditions)`; p from
///   χ² with k − 1 degrees of freedom (**chi_squared**).
/// - `wilcoxonSignedRank(x, y)`: Wilcoxon signed-rank test on the paired
///   differences d = x − y. H₀: d is symmetric about zero. As
///   `wilcoxon(x, y)`: zero_method 'wilcox' (zero differences are dropped;
///   the rest ranked by |d|, average ranks for ties), statistic
///   min(R⁺, R⁻), correction False (SciPy's default: no continuity
///   correction), method 'auto', which in SciPy 1.17 is, with n the number of
///   pairs (zeros included):
///   - n ≤ 50, no zero and no tie among |d|: **exact**, p = 2·P(T ≤ min(R⁺, R⁻))
///     from the distribution of the sum T of a random subset of the ranks
///     1…n' (n' non-zero differences), counted exactly;
///   - n ≤ 13 with zeros or ties: **permutation**, SciPy's exhaustive
///     permutation test (2ⁿ ≤ 8192 sign flips, within its default 9999
///     resamples): the null distribution of R⁺ over every sign assignment to
///     the non-zero differences, with their (tied) ranks; p = 2·min(P(R⁺ ≤ r),
///     P(R⁺ ≥ r)) at the observed r, counted exactly;
///   - otherwise **asymptotic**: z = (R⁺ − n'(n' + 1)/4)/σ,
///     σ² = (n'(n' + 1)(2n' + 1) − Σ(t³ − t)/2)/24, p = 2·(1 − Φ(|z|)).
/// - `studentT(x, y)`: Student's two-sample t, `ttest_ind(x, y)`
///   (equal_var True). H₀: equal means, assuming equal variances.
///   t = (x̄ − ȳ)/√(s²(1/n₁ + 1/n₂)), pooled s² = ((n₁ − 1)s₁² + (n₂ − 1)s₂²)/(n₁ + n₂ − 2),
///   n₁ + n₂ − 2 degrees of freedom (**t**).
/// - `welchT(x, y)`: Welch's t, `ttest_ind(x, y, equal_var=False)`. H₀: equal
///   means, variances free. t = (x̄ − ȳ)/√(s₁²/n₁ + s₂²/n₂), Welch–Satterthwaite
///   degrees of freedom (s₁²/n₁ + s₂²/n₂)²/((s₁²/n₁)²/(n₁ − 1) + (s₂²/n₂)²/(n₂ − 1))
///   (**t**). Sample variances use n − 1.
///
/// Where SciPy would return NaN (or an infinite t) these throw a
/// `GroupTestError` instead: an empty or one-value-too-small sample,
/// non-finite input, a sample of identical values where the test needs
/// spread, Friedman's conditions of unequal length, fewer than 3 conditions,
/// every Wilcoxon difference zero.
///
/// Checked against SciPy in `GroupTestsTests` (statistic and p-value to 10⁻¹⁰
/// relative, method as SciPy's 'auto' picks it); the fixture records the SciPy
/// version.
public enum GroupTests {
    /// The outcome of one test.
    public struct Result: Codable, Sendable, Equatable {
        /// "mann_whitney_u", "kruskal_wallis", "friedman",
        /// "wilcoxon_signed_rank", "student_t" or "welch_t".
        public var test: String
        /// U of x; H; Friedman's Q; min(R⁺, R⁻); or t (positive when x's mean is larger).
        public var statistic: Double
        /// Two-sided p-value, at most 1.
        public var pValue: Double
        /// How p was obtained: "exact", "permutation", "asymptotic" (normal
        /// approximation), "chi_squared" or "t".
        public var method: String
        /// Sizes of the samples, in the order given (Wilcoxon: both sizes, zeros included).
        public var samples: [Int]

        /// A result from its parts.
        public init(test: String, statistic: Double, pValue: Double, method: String, samples: [Int]) {
            self.test = test
            self.statistic = statistic
            self.pValue = pValue
            self.method = method
            self.samples = samples
        }

        enum CodingKeys: String, CodingKey {
            case test, statistic
            case pValue = "p_value"
            case method, samples
        }
    }

    /// Largest sample of Wilcoxon pairs SciPy's 'auto' treats exactly (above it: asymptotic).
    static let wilcoxonExactLimit = 50
    /// Largest sample of Wilcoxon pairs (with ties or zeros) SciPy's 'auto' sends to
    /// its exhaustive permutation test: 2¹³ = 8192 sign flips ≤ 9999 resamples.
    static let wilcoxonPermutationLimit = 13
    /// Mann–Whitney U is exact when the smaller sample has at most this many values (and no ties).
    static let mannWhitneyExactLimit = 8

    // MARK: Mann–Whitney U

    /// Mann–Whitney U test of two independent samples, two-sided (see the
    /// type's documentation); the statistic is U of x.
    ///
    /// - Throws: `GroupTestError` if a sample is empty, holds NaN or ±∞, or
    ///   every value of both samples is the same.
    public static func mannWhitneyU(_ x: [Double], _ y: [Double]) throws -> Result {
        let name = "Mann–Whitney U"
        guard !x.isEmpty, !y.isEmpty else {
            throw GroupTestError("\(name) needs at least one value in each group")
        }
        try requireFinite(x, "\(name): x")
        try requireFinite(y, "\(name): y")
        let (n1, n2) = (x.count, y.count)
        let ranking = averageRanks(x + y)
        let rankSum = ranking.ranks[..<n1].reduce(0, +)
        let u1 = rankSum - Double(n1 * (n1 + 1)) / 2
        let product = Double(n1) * Double(n2)
        let u = max(u1, product - u1)
        let hasTies = ranking.tieSizes.contains { $0 > 1 }

        let method: String
        let p: Double
        if min(n1, n2) <= mannWhitneyExactLimit && !hasTies {
            // No ties: U is an integer, and P(U ≥ u) = P(U ≤ n₁n₂ − u) by symmetry.
            method = "exact"
            p = 2 * mannWhitneyLowerTail(Int((product - u).rounded()), n1, n2)
        } else {
            method = "asymptotic"
            let n = Double(n1 + n2)
            let tieTerm = ranking.tieSizes.reduce(0.0) { $0 + cubeMinus($1) }
            let variance = product / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
            guard variance > 0 else {
                throw GroupTestError("\(name): all values are identical, so the groups cannot be compared")
            }
            let z = (u - product / 2 - 0.5) / variance.squareRoot()
            p = 2 * SpecialFunctions.normalSurvival(z)
        }
        return Result(test: "mann_whitney_u", statistic: u1, pValue: min(1, p), method: method, samples: [n1, n2])
    }

    /// P(U ≤ k) under H₀ for samples of n₁ and n₂ values without ties: the
    /// number of the C(n₁ + n₂, n₁) equally likely orderings of the pooled
    /// sample with U ≤ k, divided by their total. With m = min(n₁, n₂) values
    /// of one sample and j of the other, f_{i,j}(u), the number of orderings
    /// with U = u, obeys f_{i,j}(u) = f_{i−1,j}(u − j) + f_{i,j−1}(u) (the
    /// largest value comes from the first sample, beating all j, or from the
    /// second); f_{0,j} = f_{i,0} = [u = 0]. Built for j = 1…max(n₁, n₂) over
    /// i = 0…m and u = 0…k: m·max(n₁, n₂)·k additions of positive numbers
    /// (Doubles, so no overflow; relative rounding error below (n₁ + n₂)·10⁻¹⁶).
    static func mannWhitneyLowerTail(_ k: Int, _ n1: Int, _ n2: Int) -> Double {
        let (m, n) = (min(n1, n2), max(n1, n2))
        guard k >= 0 else { return 0 }
        guard k < m * n else { return 1 }
        let width = k + 1
        var f = [Double](repeating: 0, count: (m + 1) * width)  // f[i·width + u] = f_{i,j}(u)
        for i in 0...m { f[i * width] = 1 }
        f.withUnsafeMutableBufferPointer { f in
            for j in 1...n where j <= k {
                for i in 1...m {
                    let (row, below) = (i * width, (i - 1) * width - j)
                    for u in j...k { f[row + u] += f[below + u] }
                }
            }
        }
        let count = f[(m * width)...].reduce(0, +)
        var total = 1.0  // C(n + m, m), exact while below 2⁵³
        for i in 1...m { total = total * Double(n + i) / Double(i) }
        return count / total
    }

    // MARK: Kruskal–Wallis

    /// Kruskal–Wallis H test of k ≥ 2 independent samples (see the type's documentation).
    ///
    /// - Throws: `GroupTestError` for fewer than 2 groups, an empty group,
    ///   NaN or ±∞, or all values identical.
    public static func kruskalWallis(_ groups: [[Double]]) throws -> Result {
        let name = "Kruskal–Wallis"
        guard groups.count >= 2 else {
            throw GroupTestError("\(name) needs at least 2 groups; got \(groups.count)")
        }
        if let empty = groups.firstIndex(where: \.isEmpty) {
            throw GroupTestError("\(name) needs at least one value in each group; group \(empty + 1) is empty")
        }
        for (index, group) in groups.enumerated() { try requireFinite(group, "\(name): group \(index + 1)") }
        let ranking = averageRanks(groups.flatMap { $0 })
        let n = Double(ranking.ranks.count)
        let tieFactor = 1 - ranking.tieSizes.reduce(0.0) { $0 + cubeMinus($1) } / (n * n * n - n)
        guard tieFactor > 0 else {
            throw GroupTestError("\(name): all values are identical, so the groups cannot be compared")
        }
        // Σᵢ (Rᵢ − nᵢ(N + 1)/2)²/nᵢ: each deviation is a multiple of ½, so exact.
        var start = 0, spread = 0.0
        for group in groups {
            let rankSum = ranking.ranks[start..<(start + group.count)].reduce(0, +)
            let deviation = rankSum - Double(group.count) * (n + 1) / 2
            spread += deviation * deviation / Double(group.count)
            start += group.count
        }
        let h = 12 / (n * (n + 1)) * spread / tieFactor
        let p = SpecialFunctions.chiSquaredSurvival(h, degreesOfFreedom: Double(groups.count - 1))
        return Result(test: "kruskal_wallis", statistic: h, pValue: min(1, p), method: "chi_squared",
                      samples: groups.map(\.count))
    }

    // MARK: Friedman

    /// Friedman's test of k ≥ 3 related samples: `conditions[j][s]` is subject
    /// s under condition j (see the type's documentation).
    ///
    /// - Throws: `GroupTestError` for fewer than 3 conditions, conditions of
    ///   unequal length or no subjects, NaN or ±∞, or every subject's values
    ///   all tied.
    public static func friedman(_ conditions: [[Double]]) throws -> Result {
        let name = "Friedman's test"
        let k = conditions.count
        guard k >= 3 else {
            throw GroupTestError("\(name) needs at least 3 conditions (time points); got \(k)")
        }
        let n = conditions[0].count
        guard conditions.allSatisfy({ $0.count == n }) else {
            let sizes = conditions.map { String($0.count) }.joined(separator: ", ")
            throw GroupTestError("\(name) needs the same subjects under every condition, but the conditions hold \(sizes) values")
        }
        guard n >= 1 else { throw GroupTestError("\(name) needs at least one subject") }
        for (index, condition) in conditions.enumerated() { try requireFinite(condition, "\(name): condition \(index + 1)") }
        var rankSums = [Double](repeating: 0, count: k)
        var tieTerm = 0.0
        for subject in 0..<n {
            let ranking = averageRanks(conditions.map { $0[subject] })
            for j in 0..<k { rankSums[j] += ranking.ranks[j] }
            tieTerm += ranking.tieSizes.reduce(0.0) { $0 + cubeMinus($1) }
        }
        let (kk, nn) = (Double(k), Double(n))
        let tieFactor = 1 - tieTerm / (kk * (kk * kk - 1) * nn)
        guard tieFactor > 0 else {
            throw GroupTestError("\(name): every subject has the same value under all conditions, so there is nothing to rank")
        }
        let spread = rankSums.reduce(0.0) { sum, r in
            let deviation = r - nn * (kk + 1) / 2
            return sum + deviation * deviation
        }
        let q = 12 / (kk * nn * (kk + 1)) * spread / tieFactor
        let p = SpecialFunctions.chiSquaredSurvival(q, degreesOfFreedom: kk - 1)
        return Result(test: "friedman", statistic: q, pValue: min(1, p), method: "chi_squared",
                      samples: conditions.map(\.count))
    }

    // MARK: Wilcoxon signed-rank

    /// Wilcoxon signed-rank test of paired samples, two-sided (see the type's documentation).
    ///
    /// - Throws: `GroupTestError` if the samples differ in length or are empty,
    ///   hold NaN or ±∞, or every difference is zero.
    public static func wilcoxonSignedRank(_ x: [Double], _ y: [Double]) throws -> Result {
        let name = "Wilcoxon signed-rank"
        guard x.count == y.count else {
            throw GroupTestError("\(name) needs paired samples of equal length; got \(x.count) and \(y.count) values")
        }
        guard !x.isEmpty else { throw GroupTestError("\(name) needs at least one pair") }
        try requireFinite(x, "\(name): x")
        try requireFinite(y, "\(name): y")
        let differences = zip(x, y).map { $0 - $1 }
        try requireFinite(differences, "\(name): x − y")
        let nonZero = differences.filter { $0 != 0 }
        guard !nonZero.isEmpty else {
            throw GroupTestError("\(name): every difference is zero, so there is nothing to rank")
        }
        let ranking = averageRanks(nonZero.map(abs))
        var rPlus = 0.0, rMinus = 0.0
        for (d, rank) in zip(nonZero, ranking.ranks) {
            if d > 0 { rPlus += rank } else { rMinus += rank }
        }
        let count = nonZero.count
        let hasTies = ranking.tieSizes.contains { $0 > 1 }
        let hasZeros = count < differences.count

        let method: String
        let p: Double
        if differences.count <= wilcoxonExactLimit && !hasTies && !hasZeros {
            method = "exact"
            p = 2 * signedRankLowerTail(Int(min(rPlus, rMinus).rounded()), count)
        } else if differences.count <= wilcoxonPermutationLimit {
            method = "permutation"
            p = 2 * signedRankPermutationTail(ranks: ranking.ranks, observed: rPlus)
        } else {
            method = "asymptotic"
            let nn = Double(count)
            let tieTerm = ranking.tieSizes.reduce(0.0) { $0 + cubeMinus($1) }
            let sigma = ((nn * (nn + 1) * (2 * nn + 1) - tieTerm / 2) / 24).squareRoot()
            let z = (rPlus - nn * (nn + 1) / 4) / sigma
            p = 2 * SpecialFunctions.normalSurvival(abs(z))
        }
        return Result(test: "wilcoxon_signed_rank", statistic: min(rPlus, rMinus), pValue: min(1, p),
                      method: method, samples: [x.count, y.count])
    }

    /// P(T ≤ k) for T the sum of a uniformly random subset of {1, …, n}
    /// (each rank's sign a fair coin): the number of subsets with sum ≤ k over
    /// 2ⁿ, counted by the subset-sum recurrence in UInt64 (exact for n ≤ 63;
    /// the tests use n ≤ 50, where the quotient is exact too).
    static func signedRankLowerTail(_ k: Int, _ n: Int) -> Double {
        precondition(n <= 63, "signed-rank exact distribution is counted for at most 63 ranks")
        let top = n * (n + 1) / 2
        guard k >= 0 else { return 0 }
        guard k < top else { return 1 }
        var counts = [UInt64](repeating: 0, count: k + 1)
        counts[0] = 1
        for rank in 1...n where rank <= k {
            for sum in stride(from: k, through: rank, by: -1) { counts[sum] &+= counts[sum - rank] }
        }
        return Double(counts.reduce(0, &+)) / Double(sign: .plus, exponent: n, significand: 1)
    }

    /// min(P(R⁺ ≤ r), P(R⁺ ≥ r)) for R⁺ the sum of the (average, possibly
    /// tied) `ranks` given a positive sign, over all 2ⁿ equally likely sign
    /// assignments; r = `observed`. Ranks are multiples of ½, so the sums are
    /// counted exactly on the doubled scale (UInt64; n ≤ 13 here).
    static func signedRankPermutationTail(ranks: [Double], observed: Double) -> Double {
        let doubled = ranks.map { Int(($0 * 2).rounded()) }
        let top = doubled.reduce(0, +)
        var counts = [UInt64](repeating: 0, count: top + 1)
        counts[0] = 1
        for value in doubled where value > 0 {
            for sum in stride(from: top, through: value, by: -1) { counts[sum] &+= counts[sum - value] }
        }
        let r = Int((observed * 2).rounded())
        let lower = counts[...r].reduce(0, &+)
        let upper = counts[r...].reduce(0, &+)
        let total = counts.reduce(0, &+)
        return Double(min(lower, upper)) / Double(total)
    }

    // MARK: t-tests

    /// Student's two-sample t-test (equal variances), two-sided; t > 0 when x's mean is larger.
    ///
    /// - Throws: `GroupTestError` if a sample has fewer than 2 values, holds
    ///   NaN or ±∞, or both samples are constant (no spread to scale by).
    public static func studentT(_ x: [Double], _ y: [Double]) throws -> Result {
        let (a, b) = try tTestMoments(x, y, "Student's t-test")
        let (n1, n2) = (Double(x.count), Double(y.count))
        let df = n1 + n2 - 2
        let pooled = ((n1 - 1) * a.variance + (n2 - 1) * b.variance) / df
        let standardError = (pooled * (1 / n1 + 1 / n2)).squareRoot()
        return try tResult("student_t", a.mean - b.mean, standardError, df, [x.count, y.count])
    }

    /// Welch's two-sample t-test (unequal variances), two-sided; t > 0 when x's mean is larger.
    ///
    /// - Throws: `GroupTestError` if a sample has fewer than 2 values, holds
    ///   NaN or ±∞, or both samples are constant (no spread to scale by).
    public static func welchT(_ x: [Double], _ y: [Double]) throws -> Result {
        let (a, b) = try tTestMoments(x, y, "Welch's t-test")
        let (n1, n2) = (Double(x.count), Double(y.count))
        let (v1, v2) = (a.variance / n1, b.variance / n2)
        let df = (v1 + v2) * (v1 + v2) / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
        return try tResult("welch_t", a.mean - b.mean, (v1 + v2).squareRoot(), df, [x.count, y.count])
    }

    private static func tTestMoments(_ x: [Double], _ y: [Double], _ name: String) throws
        -> (x: (mean: Double, variance: Double), y: (mean: Double, variance: Double)) {
        guard x.count >= 2, y.count >= 2 else {
            throw GroupTestError("\(name) needs at least 2 values in each group; got \(x.count) and \(y.count)")
        }
        try requireFinite(x, "\(name): x")
        try requireFinite(y, "\(name): y")
        return (meanAndVariance(x), meanAndVariance(y))
    }

    private static func tResult(_ test: String, _ difference: Double, _ standardError: Double, _ df: Double,
                                _ samples: [Int]) throws -> Result {
        guard standardError > 0 else {
            throw GroupTestError("\(test == "student_t" ? "Student's" : "Welch's") t-test: both groups are constant, so the t statistic is undefined")
        }
        let t = difference / standardError
        let p = 2 * SpecialFunctions.studentTCDF(-abs(t), degreesOfFreedom: df)
        return Result(test: test, statistic: t, pValue: min(1, p), method: "t", samples: samples)
    }

    /// Mean and sample variance (n − 1), two-pass.
    private static func meanAndVariance(_ values: [Double]) -> (mean: Double, variance: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, squares / Double(values.count - 1))
    }

    // MARK: Ranks

    /// Ranks 1…n of `values` in their order, tied values sharing the mean of
    /// the ranks they span (SciPy's `rankdata(method='average')`), and the
    /// size of every group of equal values (1 for a value without ties).
    static func averageRanks(_ values: [Double]) -> (ranks: [Double], tieSizes: [Int]) {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var tieSizes: [Int] = []
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            let rank = Double(start + 1 + end) / 2  // mean of start+1 … end
            for position in start..<end { ranks[order[position]] = rank }
            tieSizes.append(end - start)
            start = end
        }
        return (ranks, tieSizes)
    }

    /// t³ − t, the contribution of a group of t tied values to the tie corrections.
    private static func cubeMinus(_ t: Int) -> Double {
        let t = Double(t)
        return t * t * t - t
    }

    private static func requireFinite(_ values: [Double], _ what: String) throws {
        guard values.allSatisfy(\.isFinite) else {
            throw GroupTestError("\(what) holds a non-finite value (NaN or infinity)")
        }
    }
}

/// Why a group test could not be computed, as one sentence a user can act on
/// (for example "Mann–Whitney U needs at least one value in each group").
public struct GroupTestError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
