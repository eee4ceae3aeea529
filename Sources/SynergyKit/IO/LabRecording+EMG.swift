import Foundation

extension LabRecording {
    /// The channels to analyse as one uniformly sampled recording.
    ///
    /// 1. `renames` (old=new, case-insensitive) are applied to the file's names.
    /// 2. Channels: `names` in that order when given (any kind of channel);
    ///    otherwise the channels the format marks as EMG, or every channel when
    ///    the format does not say which are EMG (plain CSV, C3D).
    /// 3. Rates: all chosen channels must share one rate (equal to 1e-9
    ///    relative: 1259.259… Hz is not 1259 Hz) unless `resampleTo` is given,
    ///    which brings every channel to that rate with `PolyphaseResampler`.
    /// 4. Time: channels must start within half a sample of each other; longer
    ///    channels are cut to the shortest, with a warning when that drops more
    ///    than one sample.
    public func emgRecording(names: [String]? = nil, renames: [(old: String, new: String)] = [],
                             resampleTo: Double? = nil) throws -> EMGRecording {
        var channels = self.channels
        for (old, new) in renames {
            guard let index = channels.firstIndex(where: { $0.name.caseInsensitiveCompare(old) == .orderedSame }) else {
                throw InputError(file: path, .renamedChannelMissing(name: old, channels: self.channels.map(\.name)))
            }
            channels[index].name = new
        }
        var seen = Set<String>()
        for channel in channels where !seen.insert(channel.name.lowercased()).inserted {
            throw InputError(file: path, .renamedChannelsCollide(name: channel.name))
        }
        let chosen: [LabChannel]
        if let names {
            var picked = Set<String>()
            chosen = try names.map { name in
                guard picked.insert(name.lowercased()).inserted else { throw InputError(file: path, .muscleNamedTwice(name: name)) }
                guard let channel = channels.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) else {
                    throw InputError(file: path, "no channel named '\(name)' (channels: \(SettingProblem.nameList(channels.map(\.name))))")
                }
                return channel
            }
        } else if channels.contains(where: { $0.isEMG != nil }) {
            chosen = channels.filter { $0.isEMG == true }
            guard !chosen.isEmpty else {
                throw InputError(file: path, .noEMGChannels(channels: channels.map(\.name)))
            }
        } else {
            chosen = channels
        }
        for channel in chosen where channel.samples.isEmpty {
            throw InputError(file: path, "channel '\(channel.name)' has no samples")
        }
        var warnings = self.warnings
        let resampled = try resample(chosen, to: resampleTo, warnings: &warnings)
        guard let rate = resampled.first?.sampleRate else {
            return EMGRecording(path: path, sha256: sha256, channelNames: [], sampleRate: 1, startTime: 0, channels: [],
                                events: events)
        }
        let start = resampled[0].startTime
        if let late = resampled.first(where: { abs($0.startTime - start) > 0.5 / rate }) {
            throw InputError(file: path, String(format: "channel '%@' starts at %.6g s but '%@' at %.6g s; "
                                                + "the channels must start together", late.name, late.startTime,
                                                resampled[0].name, start))
        }
        let count = resampled.map(\.samples.count).min() ?? 0
        if let longest = resampled.map(\.samples.count).max(), longest > count + 1 {
            let short = resampled.first { $0.samples.count == count }!.name
            warnings.append("channels were cut to the \(count) samples of the shortest ('\(short)'); the longest had \(longest)")
        }
        var recording = EMGRecording(path: path, sha256: sha256, channelNames: resampled.map(\.name), sampleRate: rate,
                                     startTime: start, channels: resampled.map { Array($0.samples.prefix(count)) },
                                     events: events)
        recording.format = format
        recording.units = resampled.map(\.unit)
        recording.warnings = warnings
        return recording
    }

    /// The channels at one rate: as they are when they share one and no
    /// target is given; else each brought to `target` (an error naming the
    /// rates when they differ and no target is given).
    private func resample(_ channels: [LabChannel], to target: Double?, warnings: inout [String]) throws -> [LabChannel] {
        let rates = channels.map(\.sampleRate)
        guard let target else {
            guard let first = rates.first, rates.contains(where: { !Self.sameRate($0, first) }) else { return channels }
            var groups = [SettingProblem.RateGroup]()
            for channel in channels {
                if let i = groups.firstIndex(where: { Self.sameRate($0.rate, channel.sampleRate) }) {
                    groups[i].channels.append(channel.name)
                } else {
                    groups.append(.init(rate: channel.sampleRate, channels: [channel.name]))
                }
            }
            throw InputError(file: path, .mixedSampleRates(groups))
        }
        var sources = Set<String>()
        let result = try channels.map { channel -> LabChannel in
            if Self.sameRate(channel.sampleRate, target) { return channel }
            guard let (up, down) = PolyphaseResampler.factors(from: channel.sampleRate, to: target) else {
                throw InputError(file: path, "cannot resample channel '\(channel.name)' from \(Self.hertz(channel.sampleRate)) "
                                 + "to \(Self.hertz(target)): the ratio is not a fraction with terms up to "
                                 + "\(PolyphaseResampler.largestFactor)")
            }
            sources.insert(Self.hertz(channel.sampleRate))
            var copy = channel
            copy.samples = PolyphaseResampler.resample(channel.samples, up: up, down: down)
            copy.sampleRate = target
            return copy
        }
        if !sources.isEmpty {
            warnings.append("resampled from \(sources.sorted().joined(separator: ", ")) to \(Self.hertz(target)) "
                            + "(polyphase, Kaiser-windowed anti-aliasing filter)")
        }
        return result
    }

    static func sameRate(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(abs(a), abs(b)) }

    /// A rate as users read it: up to 6 decimals, no trailing zeros ("1259.259259 Hz", "2000 Hz").
    static func hertz(_ rate: Double) -> String {
        var text = String(format: "%.6f", rate)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + " Hz"
    }
}
