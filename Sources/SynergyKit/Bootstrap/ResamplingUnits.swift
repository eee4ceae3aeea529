/// The pieces of an envelope a bootstrap resample draws with replacement.
///
/// A resample is as many units as the envelope has, each drawn uniformly with
/// replacement, their columns side by side. NMF does not use the order of the
/// columns, so a resample is an envelope like the original; drawing whole gait
/// cycles or blocks of time (not single bins) keeps the dependence between
/// neighbouring bins (Künsch 1989, Ann Stat 17:1217; Efron & Tibshirani 1993).
public struct ResamplingUnits: Sendable, Equatable {
    /// What one unit is: a gait cycle or a block of time.
    public enum Kind: String, Codable, Sendable {
        /// Whole gait cycles: from touchdown to the next touchdown.
        case gaitCycle = "gait_cycle"
        /// Consecutive, non-overlapping blocks of a fixed duration.
        case block
    }

    /// Why an envelope cannot be cut into units.
    public struct Problem: Error, Equatable {
        public var description: String
    }

    /// Gait cycles or blocks of time.
    public var kind: Kind
    /// The duration of a block in seconds (blocks only).
    public var blockSeconds: Double?
    /// Each unit's columns of the envelope, in time order.
    public var ranges: [Range<Int>]

    /// The cycles of an envelope that the protocol cut into whole cycles of
    /// `pointsPerCycle` columns each.
    public static func cutCycles(columns: Int, pointsPerCycle: Int) throws -> ResamplingUnits {
        precondition(pointsPerCycle > 0)
        let count = columns / pointsPerCycle
        guard count >= 2 else {
            throw Problem(description: "resampling needs at least 2 gait cycles; the envelope holds \(count)")
        }
        return ResamplingUnits(kind: .gaitCycle, blockSeconds: nil,
                               ranges: (0..<count).map { $0 * pointsPerCycle..<($0 + 1) * pointsPerCycle })
    }

    /// The gait cycles of a continuous envelope: cycle i holds the columns whose
    /// time t satisfies touchdownᵢ ≤ t < touchdownᵢ₊₁. Columns before the first
    /// touchdown and after the last are in no cycle and never drawn.
    public static func cycles(time: [Double], touchdowns: [Double]) throws -> ResamplingUnits {
        var ranges = [Range<Int>]()
        var column = 0
        for (start, end) in zip(touchdowns, touchdowns.dropFirst()) {
            while column < time.count, time[column] < start { column += 1 }
            let first = column
            while column < time.count, time[column] < end { column += 1 }
            if column > first { ranges.append(first..<column) }
        }
        guard ranges.count >= 2 else {
            throw Problem(description: "resampling needs at least 2 gait cycles; the events give \(ranges.count) "
                          + "within the envelope")
        }
        return ResamplingUnits(kind: .gaitCycle, blockSeconds: nil, ranges: ranges)
    }

    /// Consecutive blocks of `seconds` from the first column, the block length
    /// rounded to whole columns of the envelope's mean time step; the columns
    /// after the last whole block (less than one block) are never drawn.
    public static func blocks(time: [Double], seconds: Double) throws -> ResamplingUnits {
        precondition(seconds > 0 && seconds.isFinite)
        guard time.count >= 2, let first = time.first, let last = time.last, last > first else {
            throw Problem(description: "resampling in blocks needs a time axis of at least 2 increasing values")
        }
        let step = (last - first) / Double(time.count - 1)
        let span = last - first + step
        let length = max(1, Int((seconds / step).rounded()))
        let count = time.count / length
        guard count >= 2 else {
            throw Problem(description: "a bootstrap block of \(seconds) s is more than half the envelope's "
                          + "\(Self.format(span)) s; resampling needs at least 2 blocks")
        }
        return ResamplingUnits(kind: .block, blockSeconds: seconds,
                               ranges: (0..<count).map { $0 * length..<($0 + 1) * length })
    }

    /// The columns of one resample: `ranges.count` units drawn uniformly with
    /// replacement, each unit's index ⌊u·U⌋ for u uniform on [0, 1).
    public func draw(_ random: inout SeededGenerator) -> [Int] {
        let count = ranges.count
        var columns = [Int]()
        for _ in 0..<count {
            let unit = min(count - 1, Int(random.nextUnit() * Double(count)))
            columns.append(contentsOf: ranges[unit])
        }
        return columns
    }

    private static func format(_ seconds: Double) -> String {
        seconds >= 100 ? String(Int(seconds.rounded())) : String((seconds * 100).rounded() / 100)
    }
}

extension ResamplingUnits {
    /// The units of a session's envelope: its gait cycles when they are known
    /// (the protocol cut the envelope into whole cycles as `cycles` says, or
    /// `touchdowns` are given, in the time axis' seconds), else blocks of
    /// `blockSeconds` of the time axis.
    public static func of(time: [Double], cycles: CycleSettings?, touchdowns: [Double]?,
                          blockSeconds: Double) throws -> ResamplingUnits {
        if let cycles { return try cutCycles(columns: time.count, pointsPerCycle: cycles.pointsPerPhase.reduce(0, +)) }
        if let touchdowns { return try self.cycles(time: time, touchdowns: touchdowns) }
        return try blocks(time: time, seconds: blockSeconds)
    }
}
