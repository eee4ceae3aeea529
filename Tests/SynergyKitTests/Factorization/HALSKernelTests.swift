import CSolverKernels
import XCTest

/// The C kernel of the HALS update of C (`synergy_hals_update_activations`),
/// both its baseline and its AVX2/FMA version, against the update written out
/// plainly in double precision: row after row,
/// Cⱼ ← max(ε, Cⱼ + (Tⱼ − Σₗ Gₗⱼ Cₗ)·inverseⱼ), `sweeps` times, then
/// Ĉ = max(ε, C + β(C − C₀)) and C₀ ← C. Single-precision sums of up to 32
/// terms: the tolerance is 2e-5 of the largest value.
final class HALSKernelTests: XCTestCase {
    private struct Problem {
        var rank: Int, width: Int, stride: Int, sweeps: Int, floor: Float, step: Float
        var activations: [Float], previous: [Float], targets: [Float], gram: [Float], inverse: [Float]
    }

    /// A random problem: G = AᵀA + I (symmetric, positive diagonal) except
    /// where `zeroDiagonal` names a row to leave alone; targets around G·C
    /// with some rows pushed below the floor.
    private func problem(rank k: Int, width: Int, sweeps: Int, step: Float, zeroDiagonal: Int? = nil,
                         seed: UInt64) -> Problem {
        var generator = SplitMix(state: seed)
        let stride = width + 5
        let a = (0..<(k * k)).map { _ in generator.unit() }
        var gram = [Float](repeating: 0, count: k * k)
        for i in 0..<k {
            for j in 0..<k {
                var sum: Float = i == j ? 1 : 0
                for l in 0..<k { sum += a[l + i * k] * a[l + j * k] }
                gram[i + j * k] = sum
            }
        }
        if let z = zeroDiagonal { gram[z + z * k] = 0 }
        let inverse = (0..<k).map { gram[$0 + $0 * k] >= .leastNormalMagnitude ? 1 / gram[$0 + $0 * k] : 0 }
        let activations = (0..<(k * stride)).map { _ in generator.unit() }
        let previous = (0..<(k * stride)).map { _ in generator.unit() }
        let targets = (0..<(k * width)).map { index in
            index % 7 == 3 ? -Float(k) : Float(k) * (0.5 + generator.unit())
        }
        return Problem(rank: k, width: width, stride: stride, sweeps: sweeps, floor: 1e-3, step: step,
                       activations: activations, previous: previous, targets: targets, gram: gram, inverse: inverse)
    }

    /// The update written out in double precision.
    private func reference(_ p: Problem) -> (activations: [Double], previous: [Double]) {
        var c = p.activations.map(Double.init), c0 = p.previous.map(Double.init)
        let (k, floor) = (p.rank, Double(p.floor))
        for _ in 0..<p.sweeps {
            for j in 0..<k {
                for t in 0..<p.width {
                    var sum = 0.0
                    for l in 0..<k { sum += Double(p.gram[l + j * k]) * c[t + l * p.stride] }
                    let updated = c[t + j * p.stride] + (Double(p.targets[t + j * p.width]) - sum) * Double(p.inverse[j])
                    c[t + j * p.stride] = max(floor, updated)
                }
            }
        }
        for j in 0..<k {
            for t in 0..<p.width {
                let current = c[t + j * p.stride]
                c[t + j * p.stride] = max(floor, current + Double(p.step) * (current - c0[t + j * p.stride]))
                c0[t + j * p.stride] = current
            }
        }
        return (c, c0)
    }

    private func run(_ p: Problem, avx2: Bool) -> (activations: [Float], previous: [Float]) {
        var c = p.activations, c0 = p.previous
        var scratch = [Float](repeating: .nan, count: 3 * p.rank * Int(SYNERGY_HALS_TILE))
        synergy_hals_update_activations(&c, p.stride, &c0, p.stride, p.targets, p.width, p.gram, p.inverse,
                                        p.rank, p.width, Int32(p.sweeps), p.floor, p.step, &scratch, avx2 ? 1 : 0)
        return (c, c0)
    }

    private var variants: [Bool] { synergy_has_avx2_fma() != 0 ? [false, true] : [false] }

    func testKernelFollowsThePlainUpdate() {
        var cases = 0
        for (k, width, sweeps) in [(1, 45, 17), (2, 32, 5), (7, 77, 3), (12, 200, 2), (32, 96, 1), (31, 31, 1)] {
            for step: Float in [0, 0.6] {
                let p = problem(rank: k, width: width, sweeps: sweeps, step: step, seed: UInt64(k * 1000 + width))
                let expected = reference(p)
                let tolerance = 2e-5 * (expected.activations.map(abs).max() ?? 1)
                for avx2 in variants {
                    let got = run(p, avx2: avx2)
                    for j in 0..<k {
                        for t in 0..<p.stride {
                            let index = t + j * p.stride
                            let label = "k \(k), width \(width), β \(step), AVX2 \(avx2), row \(j), sample \(t)"
                            if t < width {
                                XCTAssertEqual(Double(got.activations[index]), expected.activations[index],
                                               accuracy: tolerance, label)
                                XCTAssertEqual(Double(got.previous[index]), expected.previous[index],
                                               accuracy: tolerance, label)
                            } else {
                                // Samples past the block are not the kernel's to touch.
                                XCTAssertEqual(got.activations[index], p.activations[index], label)
                                XCTAssertEqual(got.previous[index], p.previous[index], label)
                            }
                        }
                    }
                    cases += 1
                }
            }
        }
        XCTAssertGreaterThanOrEqual(cases, 12)
    }

    /// Some targets are far below G·C, so the floor binds; the plain update
    /// above checks the values, this checks that the floor was reached at all.
    func testFloorBindsAndZeroDiagonalRowKeepsItsValuesBeforeExtrapolation() {
        let p = problem(rank: 6, width: 70, sweeps: 2, step: 0, zeroDiagonal: 2, seed: 99)
        for avx2 in variants {
            let got = run(p, avx2: avx2)
            XCTAssertTrue(got.activations.contains(p.floor), "AVX2 \(avx2)")
            // β = 0: Ĉ = C; the row with a zero diagonal keeps its values (all above the floor).
            for t in 0..<p.width {
                XCTAssertEqual(got.activations[t + 2 * p.stride], max(p.floor, p.activations[t + 2 * p.stride]))
            }
        }
    }

    /// A NaN in C stays a NaN (the floor does not hide it) and stays in its sample.
    func testNaNIsNotHiddenByTheFloor() {
        var p = problem(rank: 4, width: 40, sweeps: 1, step: 0.5, seed: 5)
        p.activations[3 + 1 * p.stride] = .nan
        for avx2 in variants {
            let got = run(p, avx2: avx2)
            for j in 0..<p.rank {
                for t in 0..<p.width {
                    XCTAssertEqual(got.activations[t + j * p.stride].isNaN, t == 3, "row \(j), sample \(t), AVX2 \(avx2)")
                }
            }
        }
    }
}
