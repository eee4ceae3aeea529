/// Watches the R² of one replicate iteration by iteration and says when its
/// `StoppingRule` is met. It keeps the last `window + 1` values in a ring, so
/// recording allocates nothing.
struct ConvergenceMonitor {
    let rule: StoppingRule
    private var ring: [Double]
    private var recorded = 0
    private var streak = 0

    init(rule: StoppingRule) {
        self.rule = rule
        ring = Array(repeating: 0, count: rule.window + 1)
    }

    /// Records R² after iteration `recorded + 1` and returns whether to stop there.
    mutating func record(_ r2: Double) -> Bool {
        let t = recorded + 1  // 1-based iteration number
        let slot = t % ring.count
        let previous = ring[(t - 1) % ring.count]
        ring[slot] = r2
        recorded = t
        switch rule.kind {
        case .consecutiveSmallChanges:
            guard t >= 2 else { return false }
            streak = abs(r2 - previous) < rule.threshold ? streak + 1 : 0
            return streak >= rule.window
        case .relativeGainOverWindow:
            guard t > rule.window else { return false }
            let windowStart = ring[(t - rule.window) % ring.count]
            return r2 - windowStart < r2 * rule.threshold
        }
    }
}
