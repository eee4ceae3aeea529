import CSolverKernels
import XCTest

/// The C kernel of the multiplicative update of C (`synergy_mu_update_activations`),
/// both its baseline and its AVX2/FMA version, against the update written out
/// plainly in double precision, every row from the C before the update (Jacobi):
/// Cⱼ ← max(ε, Cⱼ · Σᵢ Wᵢⱼ Dᵢ / max(Σₗ Gₗⱼ Cₗ, smallest normal)). All values are
/// positive and the sums have at most 32 terms, so each element is within
/// 1e-5 of its value, relatively; a Gauss–Seidel update (each row seeing the
/// rows updated before it) is off by far more.
final class MultiplicativeKernelTests: XCTestCase {
    private struct Problem {
        var muscles: Int, rank: Int, slots: Int, width: Int, stride: Int, floor: Float
        /// C's stacked rows (slots·k + one more slot's, which the kernel must leave alone), D's rows, each `stride` long.
        var activations: [Float], data: [Float]
        /// Per slot: W (m × k, column-major) and G = WᵀW (k × k).
        var weights: [Float], gram: [Float]
    }

    private func problem(muscles m: Int, rank k: Int, slots: Int, width: Int, seed: UInt64) -> Problem {
        var generator = SplitMix(state: seed)
        let stride = width + 5
        let weights = (0..<(slots * m * k)).map { _ in 0.05 + generator.unit() }
        var gram = [Float](repeating: 0, count: slots * k * k)
        for s in 0..<slots {
            for i in 0..<k {
                for j in 0..<k {
                    var sum: Float = 0
                    for r in 0..<m { sum += weights[s * m * k + r + i * m] * weights[s * m * k + r + j * m] }
                    gram[s * k * k + i + j * k] = sum
                }
            }
        }
        let activations = (0..<((slots + 1) * k * stride)).map { _ in 0.01 + generator.unit() }
        let data = (0..<(m * stride)).map { _ in 0.01 + generator.unit() }
        return Problem(muscles: m, rank: k, slots: slots, width: width, stride: stride, floor: 1e-3,
                       activations: activations, data: data, weights: weights, gram: gram)
    }

    /// The update written out in double precision; `gaussSeidel` lets each
    /// row's denominator see the rows already updated (the wrong rule for MU).
    private func reference(_ p: Problem, gaussSeidel: Bool = false) -> [Double] {
        var c = p.activations.map(Double.init)
        let (m, k, ld) = (p.muscles, p.rank, p.stride)
        for s in 0..<p.slots {
            let (w, g) = (s * m * k, s * k * k)
            for t in 0..<p.width {
                let old = (0..<k).map { c[t + (s * k + $0) * ld] }
                for j in 0..<k {
                    var numerator = 0.0, denominator = 0.0
                    for i in 0..<m { numerator += Double(p.weights[w + i + j * m]) * Double(p.data[t + i * ld]) }
                    for l in 0..<k {
                        let value = gaussSeidel ? c[t + (s * k + l) * ld] : old[l]
                        denominator += Double(p.gram[g + l + j * k]) * value
                    }
                    let updated = old[j] * numerator / max(denominator, Double(Float.leastNormalMagnitude))
                    c[t + (s * k + j) * ld] = max(Double(p.floor), updated)
                }
            }
        }
        return c
    }

    private func run(_ p: Problem, avx2: Bool) -> [Float] {
        var c = p.activations
        let size = (p.rank + p.slots * p.rank + p.muscles) * Int(SYNERGY_MU_TILE)
        var scratch = [Float](repeating: .nan, count: size)
        synergy_mu_update_activations(&c, p.stride, p.data, p.stride, p.muscles, p.weights, p.gram, p.rank,
                                      p.slots, p.width, p.floor, &scratch, avx2 ? 1 : 0)
        return c
    }

    private var variants: [Bool] { synergy_has_avx2_fma() != 0 ? [false, true] : [false] }

    /// Asserts `got` equals `expected` within 1e-5 relatively on the block,
    /// and is untouched past the block and in the slot past `slots`.
    private func check(_ got: [Float], _ expected: [Double], _ p: Problem, label: String) {
        for r in 0..<((p.slots + 1) * p.rank) {
            for t in 0..<p.stride {
                let index = t + r * p.stride
                let where_ = "\(label), row \(r), sample \(t)"
                if t < p.width && r < p.slots * p.rank {
                    XCTAssertEqual(Double(got[index]), expected[index], accuracy: 1e-5 * expected[index], where_)
                } else {
                    XCTAssertEqual(got[index], p.activations[index], "\(where_) is not the kernel's to touch")
                }
            }
        }
    }

    func testKernelFollowsThePlainJacobiUpdate() {
        var cases = 0
        for (m, k, slots, width) in [(15, 1, 1, 45), (15, 6, 3, 100), (8, 7, 2, 77), (32, 12, 5, 200),
                                     (3, 15, 2, 31), (16, 2, 20, 33), (1, 3, 1, 64)] {
            let p = problem(muscles: m, rank: k, slots: slots, width: width, seed: UInt64(m * 10_000 + k * 100 + width))
            let expected = reference(p)
            for avx2 in variants {
                check(run(p, avx2: avx2), expected, p, label: "m \(m), k \(k), \(slots) slots, width \(width), AVX2 \(avx2)")
                cases += 1
            }
        }
        XCTAssertGreaterThanOrEqual(cases, 7)
    }

    /// The test above can tell the rules apart: on this problem Gauss–Seidel's
    /// values differ from Jacobi's by far more than its tolerance.
    func testJacobiAndGaussSeidelDifferBeyondTheTolerance() {
        let p = problem(muscles: 15, rank: 6, slots: 2, width: 40, seed: 7)
        let (jacobi, gaussSeidel) = (reference(p), reference(p, gaussSeidel: true))
        let gap = zip(jacobi, gaussSeidel).map { abs($0 - $1) / $0 }.max() ?? 0
        XCTAssertGreaterThan(gap, 1e-2)
    }

    /// A replicate's all-zero W column (its WᵀW row and column zero too): the
    /// denominator is the smallest normal number, not 0, so its row of C is
    /// 0/smallest, floored at ε, and no NaN appears; a zero sample of D floors
    /// every row at that sample.
    func testZeroColumnAndZeroSampleGiveTheFloorNotNaN() {
        var p = problem(muscles: 10, rank: 4, slots: 2, width: 50, seed: 11)
        let (m, k) = (p.muscles, p.rank)
        for i in 0..<m { p.weights[m * k + i + 2 * m] = 0 }
        for l in 0..<k {
            p.gram[k * k + l + 2 * k] = 0
            p.gram[k * k + 2 + l * k] = 0
        }
        for i in 0..<m { p.data[7 + i * p.stride] = 0 }
        for avx2 in variants {
            let got = run(p, avx2: avx2)
            XCTAssertFalse(got.contains { $0.isNaN }, "AVX2 \(avx2)")
            for t in 0..<p.width { XCTAssertEqual(got[t + (k + 2) * p.stride], p.floor, "sample \(t), AVX2 \(avx2)") }
            for r in 0..<(2 * k) { XCTAssertEqual(got[7 + r * p.stride], p.floor, "row \(r), AVX2 \(avx2)") }
        }
    }

    /// A NaN in C is not hidden by the floor: it reaches every row of its own
    /// replicate at its own sample (through the denominators) and nothing else.
    func testNaNStaysInItsSampleAndReplicate() {
        var p = problem(muscles: 6, rank: 4, slots: 3, width: 40, seed: 5)
        let (k, ld) = (p.rank, p.stride)
        p.activations[3 + (k + 1) * ld] = .nan
        for avx2 in variants {
            let got = run(p, avx2: avx2)
            for r in 0..<(p.slots * k) {
                for t in 0..<p.width {
                    XCTAssertEqual(got[t + r * ld].isNaN, t == 3 && r / k == 1, "row \(r), sample \(t), AVX2 \(avx2)")
                }
            }
        }
    }
}
