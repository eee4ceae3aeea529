/// Gait events of one recording: touchdown times and, optionally, the lift-off
/// of each cycle, in seconds on the recording's clock. Cycle i runs from
/// touchdown i to touchdown i + 1; its stance ends at lift-off i.
public struct GaitEvents: Codable, Sendable, Equatable {
    /// Touchdown times, s, strictly increasing.
    public var touchdowns: [Double]
    /// One per touchdown (the last may be unused), or nil.
    public var liftoffs: [Double]?

    /// Events from touchdowns and, optionally, one lift-off per cycle (s).
    public init(touchdowns: [Double], liftoffs: [Double]? = nil) {
        self.touchdowns = touchdowns
        self.liftoffs = liftoffs
    }

    /// Number of cycles: one less than the touchdowns (0 with fewer than 2).
    public var cycleCount: Int { max(0, touchdowns.count - 1) }

    /// The first problem with these events for a recording spanning
    /// `start`…`end` seconds, or nil: fewer than 2 touchdowns, touchdowns not
    /// strictly increasing, a lift-off outside its cycle, an event outside the recording.
    public func problem(start: Double, end: Double) -> String? {
        guard touchdowns.count >= 2 else {
            return "\(touchdowns.count) touchdown(s); at least 2 are needed for one cycle"
        }
        for (i, time) in touchdowns.enumerated() {
            guard time.isFinite else { return "touchdown \(i + 1) is not a finite time" }
            if time < start || time > end {
                return "touchdown \(i + 1) at \(time) s is outside the recording (\(start)–\(end) s)"
            }
            if i > 0, !(time > touchdowns[i - 1]) {
                return "touchdown \(i + 1) at \(time) s does not follow touchdown \(i) at \(touchdowns[i - 1]) s"
            }
        }
        if let liftoffs {
            guard liftoffs.count >= touchdowns.count - 1 else {
                return "\(liftoffs.count) lift-off(s) for \(touchdowns.count - 1) cycles"
            }
            for i in 0..<(touchdowns.count - 1) where !(liftoffs[i] > touchdowns[i] && liftoffs[i] < touchdowns[i + 1]) {
                return "lift-off \(i + 1) at \(liftoffs[i]) s is not inside its cycle "
                    + "(\(touchdowns[i])–\(touchdowns[i + 1]) s)"
            }
        }
        return nil
    }

    /// Why these events cannot be cut into cycles as `settings` say, or nil.
    public func problem(cutting settings: CycleSettings) -> SettingProblem? {
        if settings.pointsPerPhase.count == 2, liftoffs == nil {
            return .liftoffsNeeded
        }
        if CycleNormalisation.cycleIndices(self, settings: settings).isEmpty {
            return .noCyclesLeft(cycles: cycleCount)
        }
        return nil
    }
}

/// Time normalisation by gait cycle, as musclesyneRgies' `normEMG`: each
/// phase spans the samples from the first at or after its start time up to the
/// one before the first at or after its end time, and is resampled to its
/// number of points by linear interpolation over sample index (first and last
/// samples kept).
public enum CycleNormalisation {
    /// The cycles of `events` to use under `settings`, as (index of first touchdown).
    public static func cycleIndices(_ events: GaitEvents, settings: CycleSettings) -> Range<Int> {
        let all = 0..<events.cycleCount
        guard settings.dropFirstAndLast else { return all }
        return all.count > 2 ? (1..<(all.count - 1)) : 0..<0
    }

    /// The channel x (sampled at `sampleRate` from `startTime`) cut into the
    /// given cycles and resampled: cycles × Σ pointsPerPhase values.
    public static func resample(_ x: [Double], sampleRate: Double, startTime: Double, events: GaitEvents,
                                cycles: Range<Int>, pointsPerPhase: [Int]) -> [Double] {
        // Index of the first sample at or after time t; an event on a sample's time (to a
        // millionth of a sample, as time stamps rounded in a file are) counts as at it.
        func firstSample(atOrAfter t: Double) -> Int {
            let position = (t - startTime) * sampleRate
            return min(max(Int((position - 1e-6).rounded(.up)), 0), x.count)
        }
        var output = [Double]()
        output.reserveCapacity(cycles.count * pointsPerPhase.reduce(0, +))
        for c in cycles {
            var boundaries = [events.touchdowns[c]]
            if pointsPerPhase.count == 2, let liftoffs = events.liftoffs { boundaries.append(liftoffs[c]) }
            boundaries.append(events.touchdowns[c + 1])
            var first = firstSample(atOrAfter: boundaries[0])
            for phase in 0..<(boundaries.count - 1) {
                let last = firstSample(atOrAfter: boundaries[phase + 1]) - 1
                output += interpolate(x, from: first, through: max(first, last), points: pointsPerPhase[phase])
                first = last + 1
            }
        }
        return output
    }

    /// `points` values linearly interpolated over x[from…through] at evenly spaced indices.
    static func interpolate(_ x: [Double], from: Int, through: Int, points: Int) -> [Double] {
        guard points > 1 else { return [x[from]] }
        let span = Double(through - from)
        return (0..<points).map { p in
            let position = Double(from) + span * Double(p) / Double(points - 1)
            let lower = min(Int(position.rounded(.down)), through)
            let fraction = position - Double(lower)
            return lower < through ? x[lower] + fraction * (x[lower + 1] - x[lower]) : x[through]
        }
    }
}
