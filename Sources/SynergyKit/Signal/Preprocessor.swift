import Foundation

/// The envelope matrix D that factorisation takes, with its time axis.
public struct Envelope: Sendable, Equatable {
    /// Muscle names, in the order of `data`'s rows.
    public var muscles: [String]
    /// "time_s" (bin centres or sample times, seconds) or "cycle_point" (1, 2, …).
    public var timeHeader: String
    /// The first column's values: bin centres or sample times (s), or cycle points 1, 2, ….
    public var time: [Double]
    /// muscles × samples.
    public var data: Matrix
}

/// Raw EMG → envelope, the steps of `PreprocessingSettings` in order. Values in,
/// values out: callers name the file when they report a `SignalError`.
public enum Preprocessor {
    /// A filtered channel whose range is at most this fraction of its largest raw sample is flat.
    static let flatTolerance = 1e-9

    /// The whole chain. With `others` (recordings of the same channels, e.g.
    /// other sessions of one athlete), each muscle's amplitude scale is pooled
    /// over this recording and them (joint maximum, or standard deviation of all
    /// their envelopes together) instead of taken from this recording alone.
    public static func envelope(_ recording: EMGRecording, events: GaitEvents?, settings: PreprocessingSettings,
                                pooledWith others: [EMGRecording] = []) throws -> Envelope {
        let own = try continuousEnvelope(recording, settings: settings)
        let otherChannels = try others.map { try continuousEnvelope($0, settings: settings).channels }
        let scales = try amplitudeScales([own.channels] + otherChannels, names: recording.channelNames,
                                         normalisation: settings.amplitude)
        return try normalisedEnvelope(recording, own, scales: scales, events: events, settings: settings)
    }

    /// One amplitude scale per channel over several sessions' continuous envelopes
    /// (`sessions[s][c]`: session s, channel c; every session has the same channels).
    static func amplitudeScales(_ sessions: [[[Double]]], names: [String],
                                normalisation: AmplitudeNormalisation) throws -> [Double] {
        try names.indices.map { c in
            let scale = EnvelopeSteps.amplitudeScale(sessions.map { $0[c] }, normalisation)
            guard scale > 0, scale.isFinite else {
                throw SignalError("channel '\(names[c])' has no amplitude to normalise by "
                                  + "(\(normalisation.rawValue) scale \(scale))")
            }
            return scale
        }
    }

    /// Divides each channel by its scale, then cuts and resamples the gait cycles
    /// when the settings ask for them.
    static func normalisedEnvelope(_ recording: EMGRecording, _ continuous: (channels: [[Double]], time: [Double]),
                                   scales: [Double], events: GaitEvents?, settings: PreprocessingSettings) throws -> Envelope {
        var channels = continuous.channels
        let time = continuous.time
        if settings.amplitude != .none {
            for c in channels.indices { for i in channels[c].indices { channels[c][i] /= scales[c] } }
        }
        guard let cycleSettings = settings.cycles else {
            return Envelope(muscles: recording.channelNames, timeHeader: "time_s", time: time,
                            data: matrix(channels))
        }
        guard let events else {
            throw SignalError(.gaitEventsNeeded(side: nil))
        }
        if let problem = events.problem(cutting: cycleSettings) { throw SignalError(problem) }
        let cycles = CycleNormalisation.cycleIndices(events, settings: cycleSettings)
        // Bins change the rate the cycles are cut at.
        let rate = settings.binWidth.map { 1 / $0 } ?? recording.sampleRate
        let start = time.first ?? recording.startTime
        let resampled = channels.map {
            CycleNormalisation.resample($0, sampleRate: rate, startTime: start, events: events, cycles: cycles,
                                        pointsPerPhase: cycleSettings.pointsPerPhase)
        }
        let points = resampled.first?.count ?? 0
        return Envelope(muscles: recording.channelNames, timeHeader: "cycle_point",
                        time: (0..<points).map { Double($0 + 1) }, data: matrix(resampled))
    }

    /// Demean → high-pass → rectify → low-pass → floor → minimum → bins, per channel
    /// (channels in parallel). Returns the channels and their time axis.
    ///
    /// With the `.zero` floor every step needs only its own channel, so each task
    /// takes its channel through the whole chain and keeps only the binned result:
    /// beside the recording, memory holds a few full-length copies per running
    /// task, not a filtered copy of every channel. The `.smallestPositive` floor
    /// needs the smallest positive value of all channels, so there the filtered
    /// channels are kept until every one is done.
    static func continuousEnvelope(_ recording: EMGRecording, settings: PreprocessingSettings) throws
        -> (channels: [[Double]], time: [Double]) {
        let count = recording.sampleCount
        let binStarts = settings.binWidth.map {
            EnvelopeSteps.binStarts(count: count, sampleRate: recording.sampleRate, width: $0)
        }
        if let binStarts, binStarts.count < 2 {
            throw SignalError("the recording (\(count) samples) is shorter than one \(settings.binWidth! * 1000) ms bin")
        }
        // Variances and fits sum squares over the whole recording: they must neither overflow nor vanish.
        let values = Double(count * recording.channels.count)
        let amplitudes = recording.channels.map { $0.reduce(0) { max($0, abs($1)) } }
        for (c, x) in recording.channels.enumerated() {
            let first = x.first ?? 0
            if x.allSatisfy({ $0 == first }) {
                throw SignalError("channel '\(recording.channelNames[c])' is flat (every sample is \(first))")
            }
            let peak = amplitudes[c]
            if !(peak * peak * values).isFinite {
                throw SignalError("channel '\(recording.channelNames[c])' overflows: its samples reach \(peak), too large "
                                  + "to square and sum in double precision; rescale the recording")
            }
            if !(peak * peak).isNormal {
                throw SignalError("channel '\(recording.channelNames[c])' underflows: its samples reach only \(peak), too "
                                  + "small to square in double precision; rescale the recording")
            }
        }
        // A rate in the wrong unit can ask for billions of taps: refuse a filter longer than the recording.
        for step in [settings.highPass, settings.lowPass].compactMap({ $0 }) where step.design == .fir {
            let taps = step.taps ?? FilterStep.defaultFIRTaps(sampleRate: recording.sampleRate)
            if taps >= count {
                throw SignalError("the recording (\(count) samples at \(recording.sampleRate) Hz) is not longer than "
                                  + "its \(taps)-tap FIR filter")
            }
        }
        let highPass = try settings.highPass.map {
            try $0.zeroPhase(highPass: true, sampleRate: recording.sampleRate, padding: settings.edgePadding)
        }
        let lowPass = try settings.lowPass.map {
            try $0.zeroPhase(highPass: false, sampleRate: recording.sampleRate, padding: settings.edgePadding)
        }
        /// Floor (values below it, or at most it, raised to it) → minimum → flat check → bins, in place.
        @Sendable func finish(_ x: inout [Double], channel c: Int, floor: Double) throws -> [Double] {
            switch settings.floor {
            case .zero: for i in x.indices where x[i] < floor { x[i] = floor }
            case .smallestPositive: for i in x.indices where x[i] <= floor { x[i] = floor }
            }
            if settings.subtractMinimum { EnvelopeSteps.subtractMinimum(&x) }
            // A channel whose filtered range is a rounding error next to its own raw amplitude carries no signal.
            let range = (x.max() ?? 0) - (x.min() ?? 0)
            if !(range > flatTolerance * amplitudes[c]) {
                throw SignalError("channel '\(recording.channelNames[c])' is flat after filtering (range \(range), "
                                  + "against raw samples up to \(amplitudes[c]))")
            }
            return binStarts.map { EnvelopeSteps.binMeans(x, starts: $0) } ?? x
        }
        let floorPerChannel = settings.floor == .zero
        var channels = try parallelMap(count: recording.channels.count, workers: recording.channels.count) { c in
            var x = recording.channels[c]
            if settings.demean { EnvelopeSteps.demean(&x) }
            if let highPass { x = try highPass(x) }
            EnvelopeSteps.rectify(&x)
            if let lowPass { x = try lowPass(x) }
            guard x.allSatisfy(\.isFinite) else {
                throw SignalError("channel '\(recording.channelNames[c])' overflows while filtering (its samples "
                                  + "reach \(amplitudes[c])); rescale the recording")
            }
            return floorPerChannel ? try finish(&x, channel: c, floor: 0) : x
        }
        if !floorPerChannel {
            let smallest = channels.compactMap { $0.lazy.filter { $0 > 0 }.min() }.min() ?? 0
            for c in channels.indices {
                let finished = try finish(&channels[c], channel: c, floor: smallest)
                channels[c] = finished
            }
        }
        guard let binStarts, let width = settings.binWidth else {
            let time = (0..<count).map { recording.startTime + Double($0) / recording.sampleRate }
            return (channels, time)
        }
        // Each bin is stamped with its centre.
        let time = (0..<(binStarts.count - 1)).map { recording.startTime + (Double($0) + 0.5) * width }
        return (channels, time)
    }

    private static func matrix(_ channels: [[Double]]) -> Matrix {
        let columns = channels.first?.count ?? 0
        var m = Matrix(rows: channels.count, columns: columns)
        for (i, x) in channels.enumerated() { for (t, value) in x.enumerated() { m[i, t] = value } }
        return m
    }
}
