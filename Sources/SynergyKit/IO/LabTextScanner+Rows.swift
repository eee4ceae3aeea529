import Foundation

/// The data rows of a text export as numbers: `width` columns, and each row's line.
struct NumericRows {
    let width: Int
    /// Column c of every row.
    fileprivate(set) var columns: [[Double]]
    /// The line of each row.
    fileprivate(set) var lines: [Int]
    /// The first blank line skipped among the rows (with `BlankLines.skipped`).
    fileprivate(set) var firstBlankLine: Int?
    /// While `numericRows` runs its `prefixChecks`: the line of the bad row
    /// the rows here end before.
    fileprivate(set) var badRowLine: Int?

    var count: Int { lines.count }

    /// Column `c` of every row.
    func column(_ c: Int) -> [Double] { columns[c] }

    /// The columns in `indices`.
    func columns(_ indices: Range<Int>) -> [[Double]] { Array(columns[indices]) }
}

/// Writes one row of numbers into column buffers, value after value.
struct RowWriter {
    /// Column c's buffer is columns[c].
    fileprivate let columns: UnsafeMutablePointer<UnsafeMutablePointer<Double>>
    fileprivate let width: Int
    fileprivate let row: Int
    fileprivate(set) var written = 0

    /// The row's next value.
    @inline(__always)
    mutating func append(_ value: Double) {
        precondition(written < width, "a row reader wrote more values than the row has columns")
        columns[written][row] = value
        written += 1
    }
}

extension LabTextScanner {
    /// What a blank line among the rows is.
    enum BlankLines {
        /// Skipped (the reader may check `NumericRows.firstBlankLine`).
        case skipped
        /// The end of the rows; the scanner goes on after it.
        case endRows
    }

    /// The number of pieces the rows are cut into; nil lets the text's size
    /// and the cores decide (tests set it to check that any split reads alike).
    @TaskLocal static var rowPieces: Int?

    /// Reads the lines from the current one to a blank line (`endRows`) or the
    /// end: `readRow` writes each non-blank line's `width` numbers, and throws
    /// for a bad row. The text is cut at line starts into pieces read in
    /// parallel, each by a scanner counting its own lines and writing its rows
    /// into the columns from the row its first line would have if every line
    /// were a row; the pieces are then joined in order (rows moved up over
    /// skipped lines), so the rows, the lines and the error thrown (the first
    /// bad row's, with its line in the file) are those of one pass from the
    /// top, for any number of pieces. `isBlank` says which lines are blank.
    ///
    /// When a row is bad, `prefixChecks` first runs on the rows before it (with
    /// `badRowLine` set), so that a reader's checks across rows (frames in
    /// order, say) report an earlier row's problem first, as one pass would.
    mutating func numericRows(
        width: Int, blankLines: BlankLines, isBlank: (@Sendable (LabTextScanner, Range<Int>) -> Bool)? = nil,
        prefixChecks: (NumericRows) throws -> Void = { _ in },
        readRow: @Sendable (LabTextScanner, Range<Int>, inout RowWriter) throws -> Void
    ) throws -> NumericRows {
        let starts = pieceStarts()
        nonisolated(unsafe) let text = text
        let (path, delimiter, end) = (path, delimiter, end)
        @Sendable func piece(_ p: Int) -> LabTextScanner {
            LabTextScanner(text: text, path: path, delimiter: delimiter, position: starts[p],
                           end: p + 1 < starts.count ? starts[p + 1] : end)
        }
        // Each piece's lines, so each knows the row its first line may have.
        let lineCounts = parallelMap(count: starts.count, workers: starts.count) { p in
            var scanner = piece(p), count = 0
            while scanner.nextLine() != nil { count += 1 }
            return count
        }
        let firstRows = lineCounts.reduce(into: [0]) { $0.append($0.last! + $1) }
        var results = [PieceResult]()
        let columns = [Double].uninitializedArrays(width, capacity: firstRows.last!) { buffers in
            let table = UnsafeMutablePointer<UnsafeMutablePointer<Double>>.allocate(capacity: max(1, width))
            defer { table.deallocate() }
            for c in 0..<width { table[c] = buffers[c].baseAddress! }
            nonisolated(unsafe) let columns = table
            results = parallelMap(count: starts.count, workers: starts.count) { p in
                var scanner = piece(p)
                return PieceResult.read(&scanner, into: columns, width: width, firstRow: firstRows[p],
                                        blankLines: blankLines, isBlank: isBlank ?? { $0.isBlank($1) }, readRow: readRow)
            }
            // The pieces up to the first that stopped or failed, their rows moved up to follow each other.
            var rows = 0
            for (p, result) in results.enumerated() {
                if rows != firstRows[p] {
                    for c in 0..<width { (table[c] + rows).update(from: table[c] + firstRows[p], count: result.rows) }
                }
                rows += result.rows
                if result.error != nil || result.stop != nil { break }
            }
            return rows
        }
        var rows = NumericRows(width: width, columns: columns, lines: [])
        rows.lines.reserveCapacity(columns.first?.count ?? 0)
        var lineOffset = lineNumber
        for piece in results {
            rows.lines += piece.lines.lazy.map { $0 + lineOffset }
            if rows.firstBlankLine == nil, let blank = piece.firstBlankLine { rows.firstBlankLine = blank + lineOffset }
            if var error = piece.error {
                rows.badRowLine = piece.lineCount + lineOffset
                if var inputError = error as? InputError, let line = inputError.line {
                    inputError.line = line + lineOffset
                    error = inputError
                }
                try prefixChecks(rows)
                throw error
            }
            if let stop = piece.stop {
                resume(at: stop.position, lineNumber: stop.lineNumber + lineOffset)
                return rows
            }
            lineOffset += piece.lineCount
        }
        resume(at: end, lineNumber: lineOffset)
        return rows
    }

    /// Where each piece starts: the current position, then line starts about
    /// a piece's size apart (a piece of at least 1 MiB).
    private func pieceStarts() -> [Int] {
        let size = end - position
        let count = Self.rowPieces ?? min(ProcessInfo.processInfo.activeProcessorCount, max(1, size >> 20))
        var starts = [position]
        for k in 1..<max(1, count) {
            var start = max(starts.last!, position + size / count * k)
            // A line starts after LF, or after a CR that no LF follows.
            while start < end, !(text[start - 1] == 10 || text[start - 1] == 13 && text[start] != 10) { start += 1 }
            if start < end, start > starts.last! { starts.append(start) }
        }
        return starts
    }
}

/// What one piece of rows read to.
private struct PieceResult: Sendable {
    var rows = 0
    /// The piece's lines of rows, counted from 1 at its start.
    var lines: [Int] = []
    var lineCount = 0
    var firstBlankLine: Int?
    /// Where the blank line that ended the rows ends, and its line.
    var stop: (position: Int, lineNumber: Int)?
    var error: (any Error)?

    /// Reads the piece's rows into `columns` from row `firstRow` on.
    static func read(_ scanner: inout LabTextScanner, into columns: UnsafeMutablePointer<UnsafeMutablePointer<Double>>,
                     width: Int, firstRow: Int, blankLines: LabTextScanner.BlankLines,
                     isBlank: (LabTextScanner, Range<Int>) -> Bool,
                     readRow: (LabTextScanner, Range<Int>, inout RowWriter) throws -> Void) -> PieceResult {
        var result = PieceResult()
        do {
            while let line = scanner.nextLine() {
                if isBlank(scanner, line) {
                    if blankLines == .endRows {
                        result.stop = (scanner.position, scanner.lineNumber)
                        break
                    }
                    if result.firstBlankLine == nil { result.firstBlankLine = scanner.lineNumber }
                    continue
                }
                var row = RowWriter(columns: columns, width: width, row: firstRow + result.rows)
                try readRow(scanner, line, &row)
                precondition(row.written == width, "a row reader must write one value per column")
                result.rows += 1
                result.lines.append(scanner.lineNumber)
            }
        } catch {
            result.error = error
        }
        result.lineCount = scanner.lineNumber
        return result
    }
}

/// Asks the kernel to back the whole 2 MiB pages inside `buffer` with huge
/// pages where it can (transparent huge pages in `madvise` mode): a large
/// fresh buffer then faults in hundreds of times less often as it is written.
private func adviseHugePages(_ buffer: UnsafeMutableBufferPointer<Double>) {
    #if os(Linux)
    guard let base = buffer.baseAddress else { return }
    let huge = UInt(2 << 20)
    let start = (UInt(bitPattern: base) + huge - 1) & ~(huge - 1)
    let stop = UInt(bitPattern: base + buffer.count) & ~(huge - 1)
    if stop > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), Int(stop - start), MADV_HUGEPAGE) }
    #endif
}

extension Array where Element == Double {
    /// `count` arrays of `capacity` uninitialised doubles, handed to `body` as
    /// buffers to write; each array then holds the first n values, n being what
    /// `body` returns. (Each array is made inside the previous one's initialiser,
    /// so that all of them are writable at once without a copy.)
    static func uninitializedArrays(_ count: Int, capacity: Int,
                                    _ body: ([UnsafeMutableBufferPointer<Double>]) -> Int) -> [[Double]] {
        func make(_ buffers: [UnsafeMutableBufferPointer<Double>]) -> (arrays: [[Double]], length: Int) {
            if buffers.count == count { return ([], body(buffers)) }
            var inner: (arrays: [[Double]], length: Int) = ([], 0)
            let array = [Double](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                adviseHugePages(buffer)
                inner = make(buffers + [buffer])
                initialized = inner.length
            }
            return ([array] + inner.arrays, inner.length)
        }
        return make([]).arrays
    }
}
