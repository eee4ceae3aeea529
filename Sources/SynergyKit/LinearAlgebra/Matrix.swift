/// A dense matrix of `Double` stored column-major, as BLAS and LAPACK expect:
/// element (i, j) lives at `elements[i + j * rows]`.
public struct Matrix: Equatable, Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The `rows × columns` elements, column-major.
    public var elements: [Double]

    /// A `rows × columns` matrix with every element `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0)
        self.rows = rows
        self.columns = columns
        self.elements = Array(repeating: value, count: rows * columns)
    }

    /// A matrix from column-major elements.
    public init(rows: Int, columns: Int, elements: [Double]) {
        precondition(elements.count == rows * columns, "expected \(rows * columns) elements")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A matrix from a list of rows (all of one length).
    public init(rowMajor rowList: [[Double]]) {
        let rows = rowList.count
        let columns = rowList.first?.count ?? 0
        var matrix = Matrix(rows: rows, columns: columns)
        for (i, row) in rowList.enumerated() {
            precondition(row.count == columns, "ragged rows")
            for (j, value) in row.enumerated() { matrix[i, j] = value }
        }
        self = matrix
    }

    /// Element (row, column), 0-based.
    @inlinable
    public subscript(row: Int, column: Int) -> Double {
        get { elements[row + column * rows] }
        set { elements[row + column * rows] = newValue }
    }

    /// Column `j` (0-based) as an array of `rows` values.
    public func column(_ j: Int) -> [Double] {
        Array(elements[(j * rows)..<((j + 1) * rows)])
    }

    /// Row `i` (0-based) as an array of `columns` values.
    public func row(_ i: Int) -> [Double] {
        (0..<columns).map { self[i, $0] }
    }

    /// The transpose, `columns × rows`.
    public var transposed: Matrix {
        var result = Matrix(rows: columns, columns: rows)
        for j in 0..<columns {
            for i in 0..<rows { result[j, i] = self[i, j] }
        }
        return result
    }

    /// The matrix product `self · other` (through BLAS).
    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.columns == rhs.rows, "inner dimensions differ")
        var product = Matrix(rows: lhs.rows, columns: rhs.columns)
        lhs.withView { a in
            rhs.withView { b in
                product.withMutableView { c in BLAS.multiply(a, b, into: c) }
            }
        }
        return product
    }

    /// Runs `body` with a read-only view of the elements.
    /// The view must only be read: BLAS takes it as an input operand.
    public func withView<R>(_ body: (MatrixView) throws -> R) rethrows -> R {
        let (rows, columns) = (self.rows, self.columns)
        return try elements.withUnsafeBufferPointer { buffer in
            try body(MatrixView(start: UnsafeMutablePointer(mutating: buffer.baseAddress!),
                                rows: rows, columns: columns, leadingDimension: max(rows, 1)))
        }
    }

    /// Runs `body` with a view that may write to the elements.
    public mutating func withMutableView<R>(_ body: (MatrixView) throws -> R) rethrows -> R {
        let (rows, columns) = (self.rows, self.columns)
        return try elements.withUnsafeMutableBufferPointer { buffer in
            try body(MatrixView(start: buffer.baseAddress!, rows: rows, columns: columns,
                                leadingDimension: max(rows, 1)))
        }
    }
}

/// A column-major window onto memory owned elsewhere (a solver's workspace or a
/// `Matrix`): element (i, j) is at `start[i + j * leadingDimension]`. Views are
/// how the hot loops hand blocks of their buffers to `BLAS` without copying.
public struct StridedMatrixView<Scalar> {
    /// Element (0, 0).
    public let start: UnsafeMutablePointer<Scalar>
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Distance between the starts of consecutive columns, in elements (≥ rows).
    public let leadingDimension: Int

    /// A view of `rows × columns` elements from `start`, columns `leadingDimension` apart.
    public init(start: UnsafeMutablePointer<Scalar>, rows: Int, columns: Int, leadingDimension: Int) {
        precondition(leadingDimension >= max(rows, 1))
        self.start = start
        self.rows = rows
        self.columns = columns
        self.leadingDimension = leadingDimension
    }

    /// The block of `rowCount × columnCount` elements whose top-left corner is (row, column).
    @inlinable
    public func block(row: Int, column: Int, rows rowCount: Int, columns columnCount: Int) -> StridedMatrixView {
        StridedMatrixView(start: start + row + column * leadingDimension, rows: rowCount,
                   columns: columnCount, leadingDimension: leadingDimension)
    }

    /// Element (row, column), 0-based; the view writes through to the memory it shows.
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get { start[row + column * leadingDimension] }
        nonmutating set { start[row + column * leadingDimension] = newValue }
    }
}

/// A view of doubles: the working precision of every solver.
public typealias MatrixView = StridedMatrixView<Double>
/// A view of single-precision values (the HALS activations).
public typealias SingleMatrixView = StridedMatrixView<Float>
