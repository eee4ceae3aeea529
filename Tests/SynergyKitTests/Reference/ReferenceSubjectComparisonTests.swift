import XCTest
import SynergyKit

/// The comparison stage on real synergies: musclesyneRgies' 15 example subjects
/// (Datasets/musclesyneRgies/reference_syns, MIT licence), each subject's stored
/// weights (`*_M.csv`, 13 muscles × 4–6 synergies) compared with the next
/// subject's, A = ID0001 … ID0014 and B = ID0002 … ID0015, 14 pairs, at the
/// default threshold 0.80 and coefficient minimum 0.2.
///
/// `testMatchesSciPyOnEveryPair` checks `SynergyComparison` and `Sparseness.hoyer`
/// against Fixtures/comparison/reference_subject_pairs.json, computed from the
/// same files by NumPy/SciPy alone (Scripts/fixtures/make_comparison_fixtures.py:
/// scipy.optimize.linear_sum_assignment(maximize=True), scipy.optimize.nnls with
/// the drop-below-0.2-and-refit rule):
/// - both files list the fixture's muscles (identical lists in all 14 pairs);
/// - the similarity matrix, within 1e-12;
/// - the assignment: the same (a, b) pairs, similarities within 1e-12;
/// - the same matches (pairs and similarities) and unmatched sets of A and B;
/// - the same merging and fractionation entries: targets, sources, coefficients
///   within 1e-9, similarity within 1e-12;
/// - the merging index of B and fractionation index of A, exactly;
/// - every subject's Hoyer sparseness per synergy and its mean, within 1e-12.
/// These fits are well posed, so agreement is expected to rounding: every
/// source set has full column rank (smallest singular value of the unit
/// columns 0.62), no coefficient of any fit (refits included) lies within
/// 1e-4 of 0.2, no final cosine within 4e-3 of 0.80, and no similarity within
/// 8e-4 of 0.80.
///
/// `testResultsAreConsistentWithTheStoredSynergies` checks, on the stored
/// weights and Swift's results alone, properties that hold by construction:
/// - weights are non-negative, so every similarity lies in [0, 1];
/// - the assignment is one-to-one, has min(kA, kB) pairs, and no other
///   one-to-one assignment (all enumerated) has a larger total similarity;
/// - the matches are exactly the assignment pairs with similarity ≥ 0.80, and
///   unmatched A and B are exactly the synergies in no match;
/// - every merging (fractionation) entry has ≥ 2 sources, ascending, each
///   coefficient ≥ 0.2; the coefficient-weighted sum of the sources' unit
///   weight vectors, rebuilt here from the CSV, has the reported cosine with
///   the target (within 1e-12) and that cosine is ≥ 0.80; its residual is
///   orthogonal to every source (within 1e-9: the refit is the least-squares
///   fit on the kept sources), so the cosine is at least each source's own
///   similarity to the target;
/// - the indices are the counts of entries over kB and kA;
/// - comparing B with A instead swaps merging and fractionation, exactly;
/// - every sparseness lies in [0, 1].
/// Not checked because the data contradict it: a synergy can be both matched
/// and a merging (or fractionation) — 12 of the 21 merging targets are also
/// matched one-to-one at ≥ 0.80.
final class ReferenceSubjectComparisonTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Match: Decodable {
            let a: Int
            let b: Int
            let similarity: Double
        }

        struct Combination: Decodable {
            let target: Int
            let sources: [Int]
            let coefficients: [Double]
            let similarity: Double
        }

        struct Pair: Decodable {
            let a: String
            let b: String
            let muscles: [String]
            let muscles_identical: Bool
            let similarity: [[Double]]
            let assignment: [Match]
            let matches: [Match]
            let unmatched_a: [Int]
            let unmatched_b: [Int]
            let merging: [Combination]
            let fractionation: [Combination]
            let merging_index_b: Double
            let fractionation_index_a: Double
        }

        struct Subject: Decodable {
            let name: String
            let sparseness: [Double]
            let mean_sparseness: Double
        }

        let threshold: Double
        let coefficient_minimum: Double
        let pairs: [Pair]
        let subjects: [Subject]
    }

    private static let folder = TestPaths.datasets.appendingPathComponent("musclesyneRgies/reference_syns")
    private static let subjects = (1...15).map { String(format: "ID%04d_TW_01", $0) }

    private func fixture() throws -> Fixture {
        let url = TestPaths.fixtures.appendingPathComponent("comparison/reference_subject_pairs.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// A subject's stored weights: muscle labels and muscles × synergies.
    private func storedWeights(_ name: String) throws -> (muscles: [String], weights: Matrix) {
        let url = Self.folder.appendingPathComponent("\(name)_M.csv")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
        let muscles = lines.map { String($0.split(separator: ",")[0]) }
        return (muscles, Matrix(rowMajor: try numericRows(url)))
    }

    /// The rows of `weights` for `muscles`, in that order.
    private func rows(_ muscles: [String], of stored: (muscles: [String], weights: Matrix)) throws -> Matrix {
        Matrix(rowMajor: try muscles.map { muscle in
            let i = try XCTUnwrap(stored.muscles.firstIndex(of: muscle), muscle)
            return (0..<stored.weights.columns).map { stored.weights[i, $0] }
        })
    }

    private func dot(_ x: [Double], _ y: [Double]) -> Double { zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } }

    private func assertEqual(_ ours: [SynergyComparison.Combination], _ expected: [Fixture.Combination],
                             _ label: String) {
        XCTAssertEqual(ours.map(\.target), expected.map(\.target), label)
        XCTAssertEqual(ours.map(\.sources), expected.map(\.sources), label)
        for (c, e) in zip(ours, expected) where c.target == e.target && c.sources == e.sources {
            for (x, y) in zip(c.coefficients, e.coefficients) {
                XCTAssertEqual(x, y, accuracy: 1e-9, "\(label) target \(c.target)")
            }
            XCTAssertEqual(c.similarity, e.similarity, accuracy: 1e-12, "\(label) target \(c.target)")
        }
    }

    func testMatchesSciPyOnEveryPair() throws {
        let fixture = try fixture()
        let rules = ComparisonRules(similarityThreshold: fixture.threshold, coefficientMinimum: fixture.coefficient_minimum)
        XCTAssertEqual(rules, .cheung2020, "the fixture was made with the paper's rules")
        XCTAssertEqual(fixture.pairs.map(\.a), Array(Self.subjects.dropLast()))
        XCTAssertEqual(fixture.pairs.map(\.b), Array(Self.subjects.dropFirst()))
        for pair in fixture.pairs {
            let label = "\(pair.a) → \(pair.b)"
            let storedA = try storedWeights(pair.a), storedB = try storedWeights(pair.b)
            XCTAssertEqual(pair.muscles_identical, storedA.muscles == storedB.muscles, label)
            XCTAssertTrue(pair.muscles_identical, label)
            let a = try rows(pair.muscles, of: storedA), b = try rows(pair.muscles, of: storedB)
            let comparison = try SynergyComparison(a: a, b: b, rules: rules)

            let similarity = a.unitColumns.transposed * b.unitColumns
            XCTAssertEqual(similarity.rows, pair.similarity.count, label)
            XCTAssertEqual(similarity.columns, pair.similarity.first?.count, label)
            for (i, row) in pair.similarity.enumerated() {
                for (j, value) in row.enumerated() {
                    XCTAssertEqual(similarity[i, j], value, accuracy: 1e-12, "\(label) S[\(i), \(j)]")
                }
            }

            XCTAssertEqual(comparison.assignment.map { [$0.a, $0.b] }, pair.assignment.map { [$0.a, $0.b] }, label)
            for (ours, expected) in zip(comparison.assignment, pair.assignment) {
                XCTAssertEqual(ours.similarity, expected.similarity, accuracy: 1e-12, label)
            }
            XCTAssertEqual(comparison.matches.map { [$0.a, $0.b] }, pair.matches.map { [$0.a, $0.b] }, label)
            for (ours, expected) in zip(comparison.matches, pair.matches) {
                XCTAssertEqual(ours.similarity, expected.similarity, accuracy: 1e-12, label)
            }
            XCTAssertEqual(comparison.unmatchedA, pair.unmatched_a, label)
            XCTAssertEqual(comparison.unmatchedB, pair.unmatched_b, label)

            assertEqual(comparison.merging, pair.merging, "\(label) merging")
            assertEqual(comparison.fractionation, pair.fractionation, "\(label) fractionation")
            XCTAssertEqual(comparison.mergingIndexB, pair.merging_index_b, label)
            XCTAssertEqual(comparison.fractionationIndexA, pair.fractionation_index_a, label)
        }

        XCTAssertEqual(fixture.subjects.map(\.name), Self.subjects)
        for subject in fixture.subjects {
            let weights = try storedWeights(subject.name).weights
            let sparseness = (0..<weights.columns).map { Sparseness.hoyer(weights.column($0)) }
            XCTAssertEqual(sparseness.count, subject.sparseness.count, subject.name)
            for (ours, expected) in zip(sparseness, subject.sparseness) {
                XCTAssertEqual(ours, expected, accuracy: 1e-12, subject.name)
            }
            let mean = sparseness.reduce(0, +) / Double(sparseness.count)
            XCTAssertEqual(mean, subject.mean_sparseness, accuracy: 1e-12, subject.name)
        }
    }

    func testResultsAreConsistentWithTheStoredSynergies() throws {
        for (nameA, nameB) in zip(Self.subjects, Self.subjects.dropFirst()) {
            let label = "\(nameA) → \(nameB)"
            let storedA = try storedWeights(nameA), storedB = try storedWeights(nameB)
            XCTAssertEqual(storedA.muscles, storedB.muscles, label)
            let (a, b) = (storedA.weights, storedB.weights)
            XCTAssertTrue((a.elements + b.elements).allSatisfy { $0 >= 0 }, label)
            let comparison = try SynergyComparison(a: a, b: b)
            let (unitA, unitB) = (a.unitColumns, b.unitColumns)
            let similarity = unitA.transposed * unitB

            // Similarities of non-negative unit vectors.
            XCTAssertTrue(similarity.elements.allSatisfy { $0 >= 0 && $0 <= 1 + 1e-12 }, label)

            // The assignment: one-to-one, min(kA, kB) pairs, and optimal among all of them.
            let pairs = comparison.assignment
            XCTAssertEqual(pairs.count, min(a.columns, b.columns), label)
            XCTAssertEqual(Set(pairs.map(\.a)).count, pairs.count, label)
            XCTAssertEqual(Set(pairs.map(\.b)).count, pairs.count, label)
            for pair in pairs { XCTAssertEqual(pair.similarity, similarity[pair.a, pair.b], accuracy: 1e-15, label) }
            let total = pairs.reduce(0) { $0 + similarity[$1.a, $1.b] }
            XCTAssertGreaterThanOrEqual(total + 1e-12, bestTotal(similarity), label)

            // Matches and unmatched synergies follow from the assignment and the threshold.
            XCTAssertEqual(comparison.matches.map { [$0.a, $0.b] },
                           pairs.filter { $0.similarity >= 0.80 }.map { [$0.a, $0.b] }, label)
            for match in comparison.matches { XCTAssertGreaterThanOrEqual(match.similarity, 0.80, label) }
            XCTAssertEqual(comparison.unmatchedA,
                           (0..<a.columns).filter { i in !comparison.matches.contains { $0.a == i } }, label)
            XCTAssertEqual(comparison.unmatchedB,
                           (0..<b.columns).filter { j in !comparison.matches.contains { $0.b == j } }, label)

            // Merging: B's targets from A's sources; fractionation: A's targets from B's.
            assertConsistent(comparison.merging, targets: unitB, sources: unitA, "\(label) merging")
            assertConsistent(comparison.fractionation, targets: unitA, sources: unitB, "\(label) fractionation")
            XCTAssertEqual(comparison.mergingIndexB, Double(comparison.merging.count) / Double(b.columns), label)
            XCTAssertEqual(comparison.fractionationIndexA,
                           Double(comparison.fractionation.count) / Double(a.columns), label)

            let reverse = try SynergyComparison(a: b, b: a)
            XCTAssertEqual(reverse.merging, comparison.fractionation, label)
            XCTAssertEqual(reverse.fractionation, comparison.merging, label)
        }
        for name in Self.subjects {
            let weights = try storedWeights(name).weights
            for j in 0..<weights.columns {
                let phi = Sparseness.hoyer(weights.column(j))
                XCTAssertTrue(phi >= 0 && phi <= 1, "\(name) synergy \(j)")
            }
        }
    }

    /// The largest total similarity over every one-to-one assignment of the
    /// shorter side into the longer (≤ 6 synergies here: at most 720).
    private func bestTotal(_ s: Matrix) -> Double {
        let tall = s.rows > s.columns
        let (short, long) = tall ? (s.columns, s.rows) : (s.rows, s.columns)
        var best = -Double.infinity
        func search(_ i: Int, _ used: Set<Int>, _ total: Double) {
            if i == short { best = max(best, total); return }
            for j in 0..<long where !used.contains(j) {
                search(i + 1, used.union([j]), total + (tall ? s[j, i] : s[i, j]))
            }
        }
        search(0, [], 0)
        return best
    }

    private func assertConsistent(_ combinations: [SynergyComparison.Combination], targets: Matrix,
                                  sources: Matrix, _ label: String) {
        XCTAssertEqual(combinations.map(\.target), combinations.map(\.target).sorted(), label)
        for c in combinations {
            let entry = "\(label) target \(c.target)"
            XCTAssertGreaterThanOrEqual(c.sources.count, 2, entry)
            XCTAssertEqual(c.sources, c.sources.sorted(), entry)
            XCTAssertEqual(Set(c.sources).count, c.sources.count, entry)
            XCTAssertEqual(c.coefficients.count, c.sources.count, entry)
            XCTAssertTrue(c.coefficients.allSatisfy { $0 >= 0.2 }, entry)
            let target = targets.column(c.target)
            var combined = [Double](repeating: 0, count: sources.rows)
            for (k, m) in zip(c.sources, c.coefficients) {
                for i in 0..<sources.rows { combined[i] += m * sources[i, k] }
            }
            let cosine = dot(combined, target) / dot(combined, combined).squareRoot()  // target is a unit vector
            XCTAssertEqual(cosine, c.similarity, accuracy: 1e-12, entry)
            XCTAssertGreaterThanOrEqual(c.similarity, 0.80, entry)
            let residual = zip(target, combined).map { $0 - $1 }
            for k in c.sources {
                XCTAssertEqual(dot(residual, sources.column(k)), 0, accuracy: 1e-9, "\(entry) source \(k)")
                XCTAssertGreaterThanOrEqual(cosine + 1e-12, dot(sources.column(k), target), "\(entry) source \(k)")
            }
        }
    }
}
