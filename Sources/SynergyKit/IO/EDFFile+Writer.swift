import Foundation

extension EDFFile {
    /// The bytes of an EDF+C (`format` `.edf`) or BDF+C (`.bdf`) file holding
    /// `recording`'s channels and, in an annotation signal, its events.
    ///
    /// - Header: patient `X X X X`, recording `Startdate X X X synergy`, start
    ///   01.01.85 00.00.00 (unknown; times are relative to the first sample, so
    ///   `recording.startTime` is not kept).
    /// - Records last the shortest whole number of seconds (1 to 100) that holds a
    ///   whole number of samples at the recording's rate: 1 s for integer rates.
    ///   The last record is padded with each channel's last value, so the
    ///   reader returns up to a record less one sample more than was written.
    /// - Signals: label = channel name (at most 16 characters), transducer
    ///   `EMG` (so the channels read back as EMG), physical dimension =
    ///   `recording.units` (else `uV`), physical minimum and maximum = the
    ///   channel's own, rounded outward to 8 characters, digital limits the
    ///   full 16-bit (EDF) or 24-bit (BDF) range. A value comes back within half
    ///   a step of (physical maximum − physical minimum) / (digital maximum −
    ///   digital minimum): 1/131070 of the channel's range in EDF, 1/33554430 in BDF.
    /// - Events: one TAL per event in the record its onset falls in (onsets to
    ///   100 ns), text
    ///   "CONTEXT LABEL" ("Right Foot Strike") or the label alone when the
    ///   context is empty; contexts other than Left and Right are refused,
    ///   since the reader would not read them back.
    ///
    /// Errors name `recording.path`.
    public static func encode(_ recording: EMGRecording, format: RecordingFormat) throws -> Data {
        let path = recording.path
        let variant: EDFVariant
        switch format {
        case .edf: variant = .edf
        case .bdf: variant = .bdf
        default: throw InputError(file: path, "cannot be written as \(format.title) by the EDF writer")
        }
        func refuse(_ problem: String) -> InputError {
            InputError(file: path, "cannot be written as \(variant.name)+C: \(problem)")
        }
        let channels = recording.channels
        let sampleCount = recording.sampleCount
        guard !channels.isEmpty, channels.count < 9999 else {
            throw refuse("\(channels.count) channels (1 to 9998 fit, with the annotation signal, the 4-character signal count)")
        }
        guard recording.channelNames.count == channels.count, sampleCount > 0,
              channels.allSatisfy({ $0.count == sampleCount }) else {
            throw refuse("channel names and lengths do not match, or the channels are empty")
        }
        let units = recording.units.count == channels.count ? recording.units : Array(repeating: "uV", count: channels.count)
        var names = Set<String>()
        for (name, unit) in zip(recording.channelNames, units) {
            guard Self.isHeaderText(name, width: 16), !name.isEmpty, name != variant.annotationLabel,
                  names.insert(name.lowercased()).inserted else {
                throw refuse("channel name '\(name)' is not 1 to 16 printable ASCII characters, unique, "
                             + "and not '\(variant.annotationLabel)'")
            }
            guard Self.isHeaderText(unit, width: 8) else {
                throw refuse("unit '\(unit)' of channel '\(name)' is not at most 8 printable ASCII characters")
            }
        }
        let (duration, perRecord) = try recordLayout(rate: recording.sampleRate, refuse: refuse)
        let recordCount = (sampleCount + perRecord - 1) / perRecord
        guard recordCount <= 99_999_999 else { throw refuse("\(recordCount) data records do not fit the 8-character count") }

        var signals = [(label: String, transducer: String, unit: String, physicalMinimum: String,
                        physicalMaximum: String, digitalMinimum: Int, digitalMaximum: Int, samplesPerRecord: Int)]()
        var physical = [(minimum: Double, maximum: Double)]()
        for (name, (channel, unit)) in zip(recording.channelNames, zip(channels, units)) {
            if let bad = channel.firstIndex(where: { !$0.isFinite }) {
                throw refuse("sample \(bad + 1) (\(channel[bad])) of channel '\(name)' is not finite")
            }
            var (low, high) = (channel.min() ?? 0, channel.max() ?? 0)
            if low == high { (low, high) = (low - 1, high + 1) }
            guard let minimum = Self.limit(low, up: false), let maximum = Self.limit(high, up: true) else {
                throw refuse("the values of channel '\(name)' (\(low) to \(high)) do not fit the 8-character "
                             + "physical minimum and maximum")
            }
            physical.append((minimum.value, maximum.value))
            signals.append((name, "EMG", unit, minimum.text, maximum.text, variant.digitalRange.lowerBound,
                            variant.digitalRange.upperBound, perRecord))
        }

        let annotations = try annotationRecords(recording, count: recordCount, duration: duration, refuse: refuse)
        let annotationBytes = annotations.map(\.count).max() ?? 0
        let annotationSamples = (annotationBytes + variant.sampleBytes - 1) / variant.sampleBytes
        signals.append((variant.annotationLabel, "", "", "-1", "1", variant.digitalRange.lowerBound,
                        variant.digitalRange.upperBound, annotationSamples))

        var header = [UInt8]()
        func put(_ text: String, _ width: Int) {
            header += Array(text.utf8.prefix(width)) + Array(repeating: UInt8(ascii: " "), count: max(0, width - text.utf8.count))
        }
        if variant.sampleBytes == 2 { put("0", 8) } else { header.append(0xFF); put("BIOSEMI", 7) }
        put("X X X X", 80)
        put("Startdate X X X synergy", 80)
        put("01.01.85", 8)
        put("00.00.00", 8)
        put(String(256 * (signals.count + 1)), 8)
        put("\(variant.name)+C", 44)
        put(String(recordCount), 8)
        put(String(duration), 8)
        put(String(signals.count), 4)
        for signal in signals { put(signal.label, 16) }
        for signal in signals { put(signal.transducer, 80) }
        for signal in signals { put(signal.unit, 8) }
        for signal in signals { put(signal.physicalMinimum, 8) }
        for signal in signals { put(signal.physicalMaximum, 8) }
        for signal in signals { put(String(signal.digitalMinimum), 8) }
        for signal in signals { put(String(signal.digitalMaximum), 8) }
        for _ in signals { put("", 80) }
        for signal in signals { put(String(signal.samplesPerRecord), 8) }
        for _ in signals { put("", 32) }

        let recordBytes = (channels.count * perRecord + annotationSamples) * variant.sampleBytes
        var file = header + [UInt8](repeating: 0, count: recordCount * recordBytes)
        file.withUnsafeMutableBytes { buffer in
            let digitalMinimum = Double(variant.digitalRange.lowerBound), digitalMaximum = Double(variant.digitalRange.upperBound)
            for (c, channel) in channels.enumerated() {
                let steps = (digitalMaximum - digitalMinimum) / (physical[c].maximum - physical[c].minimum)
                let minimum = physical[c].minimum
                channel.withUnsafeBufferPointer { values in
                    for record in 0..<recordCount {
                        var at = header.count + record * recordBytes + c * perRecord * variant.sampleBytes
                        for j in 0..<perRecord {
                            let value = values[min(record * perRecord + j, sampleCount - 1)]
                            let digital = Int(min(max((digitalMinimum + (value - minimum) * steps).rounded(), digitalMinimum),
                                                  digitalMaximum))
                            buffer[at] = UInt8(truncatingIfNeeded: digital)
                            buffer[at + 1] = UInt8(truncatingIfNeeded: digital >> 8)
                            if variant.sampleBytes == 3 { buffer[at + 2] = UInt8(truncatingIfNeeded: digital >> 16) }
                            at += variant.sampleBytes
                        }
                    }
                }
            }
            for (record, text) in annotations.enumerated() {
                let at = header.count + record * recordBytes + channels.count * perRecord * variant.sampleBytes
                for (k, byte) in text.enumerated() { buffer[at + k] = byte }
            }
        }
        return Data(file)
    }

    /// The shortest record of 1 to 100 whole seconds that holds a whole
    /// number of samples at `rate`, and that number.
    private static func recordLayout(rate: Double, refuse: (String) -> InputError) throws -> (duration: Int, samples: Int) {
        guard rate.isFinite, rate > 0 else { throw refuse("the sample rate \(rate) is not a positive number") }
        for duration in 1...100 {
            let samples = (rate * Double(duration)).rounded()
            if samples >= 1, samples <= 99_999_999, LabRecording.sameRate(samples / Double(duration), rate) {
                return (duration, Int(samples))
            }
        }
        throw refuse("no record of 1 to 100 s holds a whole number of samples at \(rate) Hz")
    }

    /// Each record's annotation bytes: its time-keeping TAL, then a TAL per
    /// event whose onset falls in it (earlier events in the first record, later
    /// ones in the last), then at least one 0x00.
    private static func annotationRecords(_ recording: EMGRecording, count: Int, duration: Int,
                                          refuse: (String) -> InputError) throws -> [[UInt8]] {
        var records = (0..<count).map { Array("+\(duration * $0)\u{14}\u{14}\u{0}".utf8) }
        for event in recording.events {
            let onset = event.time - recording.startTime
            guard onset.isFinite else { throw refuse("event '\(event.label)' has a time that is not finite") }
            guard event.context.isEmpty || ["left", "right"].contains(event.context.lowercased()) else {
                throw refuse("event '\(event.label)' has context '\(event.context)'; an annotation keeps only "
                             + "Left, Right or none")
            }
            let text = event.context.isEmpty ? event.label : "\(event.context) \(event.label)"
            guard !event.label.isEmpty, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw refuse("event label '\(event.label)' is empty or holds control characters")
            }
            let record = Int(min(max((onset / Double(duration)).rounded(.down), 0), Double(count - 1)))
            records[record] += Array("\(Self.seconds(onset))\u{14}\(text)\u{14}\u{0}".utf8)
        }
        return records
    }

    /// A TAL onset: sign, then seconds to 100 ns (EDFlib's resolution) without trailing zeros ("+1.25", "-0.5", "+3").
    private static func seconds(_ time: Double) -> String {
        var text = String(format: "%.7f", abs(time))
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return (time < 0 ? "-" : "+") + text
    }

    /// The decimal of at most 8 characters nearest `value` on its outer side
    /// (at or above it when `up`, else at or below it), and its value; nil when none fits.
    private static func limit(_ value: Double, up: Bool) -> (text: String, value: Double)? {
        for decimals in stride(from: 7, through: 0, by: -1) {
            let scale = pow(10, Double(decimals))
            let rounded = (value * scale).rounded(up ? .up : .down) / scale
            let text = String(format: "%.\(decimals)f", rounded)
            if text.count <= 8, let back = Double(text), up ? back >= value : back <= value { return (text, back) }
        }
        return nil
    }

    /// Printable ASCII of at most `width` bytes, as EDF header fields must be.
    private static func isHeaderText(_ text: String, width: Int) -> Bool {
        text.utf8.count <= width && text.utf8.allSatisfy { (0x20...0x7E).contains($0) }
    }
}
