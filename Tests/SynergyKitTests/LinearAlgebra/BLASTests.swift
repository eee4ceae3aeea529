import XCTest
import SynergyKit

final class BLASTests: XCTestCase {
    private func random(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
        var generator = SeededGenerator(seed: seed)
        return Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in generator.nextUnit() - 0.5 })
    }

    private func naiveProduct(_ a: Matrix, _ b: Matrix) -> Matrix {
        var c = Matrix(rows: a.rows, columns: b.columns)
        for i in 0..<a.rows { for j in 0..<b.columns { for l in 0..<a.columns { c[i, j] += a[i, l] * b[l, j] } } }
        return c
    }

    func testProductMatchesNaiveLoops() {
        let a = random(7, 5, seed: 1), b = random(5, 9, seed: 2)
        let product = a * b
        let expected = naiveProduct(a, b)
        for (x, y) in zip(product.elements, expected.elements) { XCTAssertEqual(x, y, accuracy: 1e-14) }
    }

    func testTransposedOperandsAndSubBlocks() {
        let a = random(6, 4, seed: 3), b = random(8, 6, seed: 4)
        // c = aᵀ · (rows 1…6 of bᵀ's block), through views with leading dimensions larger than the block.
        var c = Matrix(rows: 4, columns: 3)
        a.withView { av in
            b.withView { bv in
                c.withMutableView { cv in
                    BLAS.multiply(av, bv.block(row: 2, column: 0, rows: 3, columns: 6), into: cv,
                                  transposeA: true, transposeB: true)
                }
            }
        }
        let bBlockT = Matrix(rowMajor: (0..<6).map { i in (2..<5).map { j in b[j, i] } })
        let expected = naiveProduct(a.transposed, bBlockT)
        for (x, y) in zip(c.elements, expected.elements) { XCTAssertEqual(x, y, accuracy: 1e-14) }
    }

    func testGramIsFullSymmetric() {
        let a = random(5, 40, seed: 5)
        var g = Matrix(rows: 5, columns: 5)
        a.withView { av in g.withMutableView { BLAS.gram(av, into: $0) } }
        let expected = naiveProduct(a, a.transposed)
        for (x, y) in zip(g.elements, expected.elements) { XCTAssertEqual(x, y, accuracy: 1e-13) }
        var gt = Matrix(rows: 40, columns: 40)
        a.withView { av in gt.withMutableView { BLAS.gram(av, transposed: true, into: $0) } }
        XCTAssertEqual(gt[3, 17], gt[17, 3])
        XCTAssertEqual(gt[3, 17], (0..<5).reduce(0) { $0 + a[$1, 3] * a[$1, 17] }, accuracy: 1e-14)
    }

    func testLeastSquaresLineMatchesClosedForm() throws {
        let x: [Double] = [1, 2, 3, 4, 5], y: [Double] = [0.2, 0.5, 0.61, 0.9, 1.2]
        let design = Matrix(rows: 5, columns: 2, elements: [1, 1, 1, 1, 1] + x)
        let fit = try BLAS.leastSquares(design, y)
        let mx = x.reduce(0, +) / 5, my = y.reduce(0, +) / 5
        let slope = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        XCTAssertEqual(fit[1], slope, accuracy: 1e-14)
        XCTAssertEqual(fit[0], my - slope * mx, accuracy: 1e-14)
    }

    func testLeastSquaresRejectsRankDeficientDesign() {
        // DGELS reports a zero on R's diagonal: a column of zeros gives one exactly.
        let design = Matrix(rows: 3, columns: 2, elements: [1, 1, 1, 0, 0, 0])
        XCTAssertThrowsError(try BLAS.leastSquares(design, [1, 2, 3]))
    }
}
