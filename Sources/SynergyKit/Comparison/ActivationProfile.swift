/// A synergy's activation averaged over gait cycles, as in Cheung et al.
/// (2020)'s activation analysis: C is cut at touchdowns, each cycle resampled
/// to a fixed number of points by linear interpolation, and the cycles averaged.
/// (The paper uses 1000 points per cycle and unit-normalises the mean; figures
/// here use fewer points and scale each profile to its own maximum.)
public enum ActivationProfile {
    /// The mean over the cycles between consecutive touchdowns that lie wholly
    /// inside `time` (seconds, increasing, one per sample of `activation`); nil
    /// when no cycle does.
    public static func cycleMean(_ activation: [Double], time: [Double], touchdowns: [Double], points: Int) -> [Double]? {
        precondition(activation.count == time.count && points >= 2)
        guard let first = time.first, let last = time.last else { return nil }
        var total = [Double](repeating: 0, count: points)
        var cycles = 0
        var index = 0  // touchdowns increase, so the search goes on from the last cycle
        for (start, end) in zip(touchdowns, touchdowns.dropFirst()) where start >= first && end <= last && end > start {
            for p in 0..<points {
                let t = start + (end - start) * Double(p) / Double(points)
                while index + 1 < time.count - 1 && time[index + 1] <= t { index += 1 }
                let span = time[index + 1] - time[index]
                let fraction = span > 0 ? min(1, max(0, (t - time[index]) / span)) : 0
                total[p] += activation[index] + fraction * (activation[index + 1] - activation[index])
            }
            cycles += 1
        }
        return cycles == 0 ? nil : total.map { $0 / Double(cycles) }
    }

    /// The mean of an activation already resampled cycle by cycle
    /// (`pointsPerCycle` consecutive values per cycle); nil unless it holds whole cycles.
    public static func cycleMean(_ activation: [Double], pointsPerCycle: Int) -> [Double]? {
        guard pointsPerCycle >= 2, !activation.isEmpty, activation.count % pointsPerCycle == 0 else { return nil }
        let cycles = activation.count / pointsPerCycle
        return (0..<pointsPerCycle).map { p in
            (0..<cycles).reduce(0) { $0 + activation[$1 * pointsPerCycle + p] } / Double(cycles)
        }
    }
}
