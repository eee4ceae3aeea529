/// The pointwise and per-channel steps of envelope extraction, each over one channel.
public enum EnvelopeSteps {
    /// x − mean(x).
    public static func demean(_ x: inout [Double]) {
        guard !x.isEmpty else { return }
        let mean = x.reduce(0, +) / Double(x.count)
        for i in x.indices { x[i] -= mean }
    }

    /// Full-wave rectification, |x|.
    public static func rectify(_ x: inout [Double]) {
        for i in x.indices { x[i] = abs(x[i]) }
    }

    /// x − min(x).
    public static func subtractMinimum(_ x: inout [Double]) {
        guard let minimum = x.min() else { return }
        for i in x.indices { x[i] -= minimum }
    }

    /// The first sample of each of the consecutive bins of `width` seconds that
    /// fit whole in `count` samples: bin b spans samples ⌊b·w·fs + ½⌋ up to the
    /// next bin's start, so bins stay on the time grid when w·fs is not an integer
    /// (20 ms at 1000 Hz: 20 samples each). A last, partial bin is dropped.
    public static func binStarts(count: Int, sampleRate: Double, width: Double) -> [Int] {
        let perBin = width * sampleRate
        guard perBin >= 1 else { return Array(0...count) }
        guard perBin < Double(count + 1) else { return [0] }  // not one whole bin (and no Int overflow)
        var starts = [Int]()
        var b = 0
        while true {
            let start = Int((Double(b) * perBin + 0.5).rounded(.down))
            starts.append(start)
            if Int((Double(b + 1) * perBin + 0.5).rounded(.down)) > count { break }
            b += 1
        }
        return starts  // bin b is starts[b]..<starts[b + 1]
    }

    /// The mean of x over each bin (`starts` from `binStarts`).
    public static func binMeans(_ x: [Double], starts: [Int]) -> [Double] {
        (0..<(starts.count - 1)).map { b in
            var sum = 0.0
            for i in starts[b]..<starts[b + 1] { sum += x[i] }
            return sum / Double(starts[b + 1] - starts[b])
        }
    }

    /// The scale a channel is divided by, over one session or several of the
    /// same channel together (one scale per muscle across sessions): the maximum
    /// of all samples, or their standard deviation (n − 1) pooled.
    public static func amplitudeScale(_ sessions: [[Double]], _ normalisation: AmplitudeNormalisation) -> Double {
        switch normalisation {
        case .none: return 1
        case .trialMaximum: return sessions.compactMap { $0.max() }.max() ?? 1
        case .unitVariance:
            let count = sessions.reduce(0) { $0 + $1.count }
            guard count > 1 else { return 0 }
            let mean = sessions.reduce(0) { $0 + $1.reduce(0, +) } / Double(count)
            let squares = sessions.reduce(0) { total, x in x.reduce(total) { $0 + ($1 - mean) * ($1 - mean) } }
            return (squares / Double(count - 1)).squareRoot()
        }
    }
}
