import CSolverKernels
import XCTest

/// The C kernel of HALS's DCᵀ and CCᵀ over a block (`synergy_row_products`),
/// both its baseline and its AVX2/FMA version, against P = A·Bᵀ summed in
/// double precision. Single-precision sums of up to 1 000 products of values in
/// [0, 1): the tolerance is 2e-6 of the sum of the products' magnitudes.
final class RowProductsTests: XCTestCase {
    private var variants: [Bool] { synergy_has_avx2_fma() != 0 ? [false, true] : [false] }

    private func rows(_ count: Int, stride: Int, generator: inout SplitMix) -> [Float] {
        (0..<(count * stride)).map { _ in generator.unit() }
    }

    /// P (column-major, leading dimension `ldp`), every element first set to a
    /// NaN so that one the kernel leaves unwritten shows.
    private func products(_ a: UnsafePointer<Float>, _ aRows: Int, _ b: UnsafePointer<Float>, _ bRows: Int,
                          stride: Int, width: Int, ldp: Int, avx2: Bool) -> [Float] {
        var p = [Float](repeating: .nan, count: ldp * bRows)
        synergy_row_products(a, stride, aRows, b, stride, bRows, width, &p, ldp, avx2 ? 1 : 0)
        return p
    }

    private func check(_ got: [Float], _ a: [Float], _ aRows: Int, _ b: [Float], _ bRows: Int, stride: Int,
                       width: Int, ldp: Int, label: String) {
        for j in 0..<bRows {
            for i in 0..<aRows {
                var sum = 0.0, magnitude = 0.0
                for t in 0..<width {
                    let product = Double(a[t + i * stride]) * Double(b[t + j * stride])
                    sum += product
                    magnitude += abs(product)
                }
                XCTAssertEqual(Double(got[i + j * ldp]), sum, accuracy: 2e-6 * max(magnitude, 1e-30),
                               "\(label), P[\(i), \(j)]")
            }
            for i in aRows..<ldp {
                XCTAssertTrue(got[i + j * ldp].isNaN, "\(label): P[\(i), \(j)] is past the rows and was written")
            }
        }
    }

    /// DCᵀ's shape: A and B different, every row count modulo the 3 × 4 blocks
    /// and widths modulo the 8 lanes (a width under 8 has only the tail).
    func testProductsOfDifferentRowsFollowTheSumsInDouble() {
        var generator = SplitMix(state: 11)
        var cases = 0
        for (aRows, bRows, width) in [(1, 1, 5), (3, 4, 8), (2, 7, 61), (32, 60, 256), (15, 13, 1000), (5, 6, 3)] {
            let stride = width + 3
            let a = rows(aRows, stride: stride, generator: &generator)
            let b = rows(bRows, stride: stride, generator: &generator)
            for avx2 in variants {
                let got = products(a, aRows, b, bRows, stride: stride, width: width, ldp: aRows + 2, avx2: avx2)
                check(got, a, aRows, b, bRows, stride: stride, width: width, ldp: aRows + 2,
                      label: "\(aRows) × \(bRows), width \(width), AVX2 \(avx2)")
                cases += 1
            }
        }
        XCTAssertGreaterThanOrEqual(cases, 6)
    }

    /// CCᵀ's shape: B is A, computed on and above the diagonal and mirrored,
    /// so the result is exactly symmetric.
    func testProductsOfRowsWithThemselvesAreExactlySymmetric() {
        var generator = SplitMix(state: 12)
        for (k, width) in [(1, 9), (2, 40), (5, 33), (8, 256), (13, 1365), (32, 256)] {
            let stride = width + 1
            let c = rows(k, stride: stride, generator: &generator)
            for avx2 in variants {
                let label = "k \(k), width \(width), AVX2 \(avx2)"
                let got = c.withUnsafeBufferPointer { c in
                    products(c.baseAddress!, k, c.baseAddress!, k, stride: stride, width: width, ldp: k, avx2: avx2)
                }
                check(got, c, k, c, k, stride: stride, width: width, ldp: k, label: label)
                for i in 0..<k {
                    for j in 0..<k { XCTAssertEqual(got[i + j * k], got[j + i * k], "\(label), P[\(i), \(j)]") }
                }
            }
        }
    }

    /// Each product is summed in one fixed order whatever block of P it falls
    /// in: a row's products with B are the same alone as among other rows.
    func testAProductDoesNotDependOnTheRowsAroundIt() {
        var generator = SplitMix(state: 13)
        let (aRows, bRows, width, stride) = (7, 9, 203, 203)
        let a = rows(aRows, stride: stride, generator: &generator)
        let b = rows(bRows, stride: stride, generator: &generator)
        for avx2 in variants {
            let all = products(a, aRows, b, bRows, stride: stride, width: width, ldp: aRows, avx2: avx2)
            for i in 0..<aRows {
                let alone = a.withUnsafeBufferPointer { a in
                    products(a.baseAddress! + i * stride, 1, b, bRows, stride: stride, width: width, ldp: 1, avx2: avx2)
                }
                for j in 0..<bRows { XCTAssertEqual(alone[j], all[i + j * aRows], "AVX2 \(avx2), P[\(i), \(j)]") }
            }
        }
    }

    /// A NaN in a row reaches exactly the products of that row.
    func testNaNReachesOnlyItsRowsProducts() {
        var generator = SplitMix(state: 14)
        let (aRows, bRows, width) = (5, 6, 50)
        var a = rows(aRows, stride: width, generator: &generator)
        let b = rows(bRows, stride: width, generator: &generator)
        a[17 + 2 * width] = .nan
        for avx2 in variants {
            let got = products(a, aRows, b, bRows, stride: width, width: width, ldp: aRows, avx2: avx2)
            for i in 0..<aRows {
                for j in 0..<bRows { XCTAssertEqual(got[i + j * aRows].isNaN, i == 2, "AVX2 \(avx2), P[\(i), \(j)]") }
            }
        }
    }
}
