import Foundation

/// EDF and EDF+ (European Data Format, https://www.edfplus.info), and BDF and
/// BDF+ (BioSemi's 24-bit variant), the formats BIDS-EMG allows.
///
/// Layout: a 256-byte header of space-padded ASCII fields — version (8 bytes:
/// `0` and seven spaces; BDF: 0xFF `BIOSEMI`), patient (80), recording (80),
/// start date (8), start time (8), header size in bytes (8), reserved (44:
/// `EDF+C`/`BDF+C` continuous, `EDF+D`/`BDF+D` discontinuous, else plain),
/// number of data records (8; −1 while still recording), record duration in
/// seconds (8), number of signals ns (4) — then 256 bytes per signal, stored
/// field by field (ns labels of 16 bytes, ns transducer types of 80, ns
/// physical dimensions of 8, physical minima (8), maxima (8), digital minima
/// (8), maxima (8), prefilterings (80), samples per record (8), reserved (32)).
/// Each data record then holds every signal's samples of that record in turn,
/// 16-bit (EDF) or 24-bit (BDF) little-endian two's complement; a signal's
/// rate is its samples per record / the record duration.
///
/// Physical value = physMin + (digital − digMin) · (physMax − physMin) / (digMax − digMin).
///
/// An `EDF Annotations` (`BDF Annotations`) signal holds text: in each record,
/// time-stamped annotation lists (TALs) `+onset[0x15 duration]0x14 text 0x14 … 0x00`,
/// the first being the record's time-keeping TAL (`+onset 0x14 0x14 0x00`, the
/// record's start). Non-empty texts become `RecordingEvent`s, timed from the
/// first record's start; a leading word `Left` or `Right` followed by a space
/// is the event's context ("Right Foot Strike" → label "Foot Strike", context
/// "Right"), else the context is empty. Durations are ignored.
///
/// Channels are the other signals: name = label, signal = transducer type,
/// unit = physical dimension, starting at 0 s. A channel is EMG when its label
/// or transducer type contains "EMG" (any case); when no channel does, the
/// file does not say and `isEMG` is nil for all. EDF+D (discontinuous) is
/// refused; the start date and time are ignored.
///
/// Every header field is checked, and the file's size against header size +
/// records × record size (a file shorter or longer is refused), before
/// anything is allocated; a record count of −1 (still recording) is taken
/// from the file's size, with a warning. Bad input is refused with an
/// `InputError` naming the file.
public enum EDFFile {
    /// Parses the bytes of an EDF(+) file (`format` `.edf`) or a BDF(+) file
    /// (`.bdf`); `path` only names the source in errors.
    public static func parse(_ bytes: Data, path: String, format: RecordingFormat) throws -> LabRecording {
        try bytes.withUnsafeBytes { try parse(bytes: $0, path: path, format: format) }
    }

    static func parse(bytes: UnsafeRawBufferPointer, path: String, format: RecordingFormat) throws -> LabRecording {
        let header = try EDFHeader(bytes, path: path, format: format)
        var channels = [LabChannel]()
        for signal in header.signals where !signal.isAnnotation {
            channels.append(LabChannel(name: signal.label, signal: signal.transducer, unit: signal.unit,
                                       sampleRate: Double(signal.samplesPerRecord) / header.recordDuration,
                                       samples: samples(of: signal, header: header, bytes: bytes),
                                       isEMG: signal.mentionsEMG))
        }
        if !channels.contains(where: { $0.isEMG == true }) {
            for i in channels.indices { channels[i].isEMG = nil }
        }
        return LabRecording(path: path, format: format,
                            formatVersion: header.variant.name + (header.continuous ? "+C" : ""),
                            channels: channels, events: try events(header: header, bytes: bytes, path: path),
                            warnings: header.warnings)
    }

    /// One signal's physical values, record after record.
    private static func samples(of signal: EDFSignal, header: EDFHeader, bytes: UnsafeRawBufferPointer) -> [Double] {
        let perRecord = signal.samplesPerRecord
        let count = header.recordCount * perRecord
        let gain = (signal.physicalMaximum - signal.physicalMinimum)
            / Double(signal.digitalMaximum - signal.digitalMinimum)
        let (physicalMinimum, digitalMinimum) = (signal.physicalMinimum, Double(signal.digitalMinimum))
        let threeBytes = header.variant.sampleBytes == 3
        return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            var k = 0
            for record in 0..<header.recordCount {
                let start = header.headerBytes + record * header.recordBytes + signal.offset
                for j in 0..<perRecord {
                    let digital: Int
                    if threeBytes {
                        let at = start + 3 * j
                        digital = Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(Int8(bitPattern: bytes[at + 2])) << 16
                    } else {
                        digital = Int(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: start + 2 * j, as: Int16.self)))
                    }
                    buffer[k] = physicalMinimum + (Double(digital) - digitalMinimum) * gain
                    k += 1
                }
            }
            initialized = count
        }
    }

    /// The events of every annotation signal, in time order, timed from the
    /// first record's time-keeping onset. In EDF+C files every record must
    /// start with a time-keeping TAL within half a sample of where a
    /// continuous recording puts it (anywhere, in a file of annotations alone).
    private static func events(header: EDFHeader, bytes: UnsafeRawBufferPointer, path: String) throws -> [RecordingEvent] {
        let annotationSignals = header.signals.filter(\.isAnnotation)
        guard !annotationSignals.isEmpty else { return [] }
        let shortestInterval = header.signals.filter { !$0.isAnnotation }
            .map { header.recordDuration / Double($0.samplesPerRecord) }.min() ?? header.recordDuration
        var firstOnset = 0.0
        var found = [(text: String, onset: Double)]()
        for record in 0..<header.recordCount {
            for (number, signal) in annotationSignals.enumerated() {
                let start = header.headerBytes + record * header.recordBytes + signal.offset
                let area = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + signal.samplesPerRecord * header.variant.sampleBytes)])
                let lists = try EDFAnnotationList.parse(area, record: record + 1, path: path)
                if header.continuous, number == 0 {
                    guard let keeping = lists.first, keeping.texts.first == "" else {
                        throw InputError(file: path, "data record \(record + 1) does not start with a time-keeping "
                                         + "annotation (an onset with an empty text), which EDF+ requires")
                    }
                    if record == 0 { firstOnset = keeping.onset }
                    let expected = firstOnset + Double(record) * header.recordDuration
                    guard header.recordDuration == 0 || abs(keeping.onset - expected) <= shortestInterval / 2 else {
                        throw InputError(file: path, "is marked \(header.variant.name)+C (continuous) but data record "
                                         + "\(record + 1) starts at \(keeping.onset) s, not \(expected) s")
                    }
                }
                for list in lists {
                    for text in list.texts where !text.isEmpty { found.append((text, list.onset)) }
                }
            }
        }
        return found.map { Self.event($0.text, time: $0.onset - firstOnset) }
            .enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }

    /// An annotation's text as an event: a leading `Left ` or `Right ` (any
    /// case) is the context, written "Left" or "Right"; the rest is the label.
    static func event(_ text: String, time: Double) -> RecordingEvent {
        let words = text.split(separator: " ", maxSplits: 1)
        if words.count == 2, let side = ["Left", "Right"].first(where: { $0.caseInsensitiveCompare(words[0]) == .orderedSame }) {
            let label = words[1].trimmingCharacters(in: .whitespaces)
            if !label.isEmpty { return RecordingEvent(label: label, context: side, time: time) }
        }
        return RecordingEvent(label: text, context: "", time: time)
    }
}

/// One time-stamped annotation list: `+onset[0x15 duration]0x14 text 0x14 … 0x00`.
struct EDFAnnotationList {
    var onset: Double
    /// Its texts, trimmed (the time-keeping TAL's first text is empty).
    var texts: [String]

    /// The TALs of one record's annotation signal, up to the 0x00 padding.
    static func parse(_ area: UnsafeRawBufferPointer, record: Int, path: String) throws -> [EDFAnnotationList] {
        var lists = [EDFAnnotationList]()
        var i = 0
        func bad(_ problem: String) -> InputError {
            InputError(file: path, "data record \(record): annotation list \(lists.count + 1) \(problem)")
        }
        /// The bytes from `i` to the next `end`, which must come before the area ends.
        func until(_ ends: Set<UInt8>, _ what: String) throws -> (text: UnsafeRawBufferPointer, end: UInt8) {
            let from = i
            while i < area.count, !ends.contains(area[i]) { i += 1 }
            guard i < area.count else { throw bad("is not ended (\(what) runs to the end of the record's annotations)") }
            defer { i += 1 }
            return (UnsafeRawBufferPointer(rebasing: area[from..<i]), area[i])
        }
        func number(_ text: UnsafeRawBufferPointer, _ what: String, signed: Bool) throws -> Double {
            let string = String(decoding: text, as: UTF8.self)
            let digits = signed ? string.dropFirst() : Substring(string)
            guard !signed || string.first == "+" || string.first == "-",
                  !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                  digits.filter({ $0 == "." }).count <= 1, let value = Double(string), value.isFinite else {
                throw bad("has \(what) '\(string)', not a number" + (signed ? " starting with + or -" : ""))
            }
            return value
        }
        while i < area.count, area[i] != 0 {
            let (onsetText, end) = try until([0x14, 0x15, 0], "its onset")
            let onset = try number(onsetText, "onset", signed: true)
            if end == 0x15 {
                let (durationText, durationEnd) = try until([0x14, 0], "its duration")
                _ = try number(durationText, "duration", signed: false)
                guard durationEnd == 0x14 else { throw bad("has a duration not followed by 0x14") }
            } else if end == 0 {
                throw bad("has an onset not followed by 0x14")
            }
            var texts = [String]()
            while true {
                guard i < area.count else { throw bad("is not ended by 0x00") }
                if area[i] == 0 { i += 1; break }
                let (text, textEnd) = try until([0x14, 0], "a text")
                guard textEnd == 0x14 else { throw bad("has a text not ended by 0x14") }
                texts.append(String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespaces))
            }
            lists.append(EDFAnnotationList(onset: onset, texts: texts))
        }
        return lists
    }
}

/// EDF or BDF: how samples are stored.
struct EDFVariant {
    /// "EDF" or "BDF".
    let name: String
    let sampleBytes: Int
    let digitalRange: ClosedRange<Int>
    /// The annotation signal's label.
    let annotationLabel: String

    static let edf = EDFVariant(name: "EDF", sampleBytes: 2, digitalRange: -32768...32767,
                                annotationLabel: "EDF Annotations")
    static let bdf = EDFVariant(name: "BDF", sampleBytes: 3, digitalRange: -8_388_608...8_388_607,
                                annotationLabel: "BDF Annotations")
}

/// One signal's header fields.
struct EDFSignal {
    var label: String
    var transducer: String
    var unit: String
    var physicalMinimum: Double
    var physicalMaximum: Double
    var digitalMinimum: Int
    var digitalMaximum: Int
    var samplesPerRecord: Int
    /// Byte offset of its samples within a data record.
    var offset: Int
    /// An `EDF Annotations` or `BDF Annotations` signal (text, not samples).
    var isAnnotation: Bool

    var mentionsEMG: Bool { label.uppercased().contains("EMG") || transducer.uppercased().contains("EMG") }
}

/// The header and signal headers, every field checked, and the data's size
/// checked against the file's.
struct EDFHeader {
    let variant: EDFVariant
    /// EDF+C or BDF+C.
    let continuous: Bool
    let headerBytes: Int
    let recordCount: Int
    let recordDuration: Double
    let recordBytes: Int
    let signals: [EDFSignal]
    var warnings = [String]()

    init(_ bytes: UnsafeRawBufferPointer, path: String, format: RecordingFormat) throws {
        switch format {
        case .edf: variant = .edf
        case .bdf: variant = .bdf
        default: throw InputError(file: path, "is read as \(format.title), which the EDF reader does not read")
        }
        let fields = EDFFields(bytes: bytes, path: path)
        guard bytes.count >= 256 else {
            throw InputError(file: path, "is truncated or not an \(variant.name) file: \(bytes.count) bytes, "
                             + "less than the 256-byte header")
        }
        let version = Array(bytes[0..<8])
        let edfVersion = Array("0       ".utf8), bdfVersion = [0xFF] + Array("BIOSEMI".utf8)
        guard version == (variant.sampleBytes == 2 ? edfVersion : bdfVersion) else {
            let firstBytes = fields.text(0, 8, trimmed: false)
            if let actual = version == edfVersion ? RecordingFormat.edf : version == bdfVersion ? .bdf : nil {
                throw InputError(file: path, .otherEDFVariant(readAs: format, firstBytes: firstBytes, actual: actual))
            }
            throw InputError(file: path, "is not an \(variant.name) file: its first 8 bytes are '\(firstBytes)'")
        }
        let reserved = fields.text(192, 44)
        let plus = ["EDF+", "BDF+"].contains { reserved.hasPrefix($0) }
        if plus, reserved.dropFirst(4).first == "D" {
            throw InputError(file: path, "is \(reserved.prefix(5)) (discontinuous: data records with gaps between them); "
                             + "only continuous recordings (\(variant.name)+C or plain \(variant.name)) are read")
        }
        guard !plus || reserved.dropFirst(4).first == "C" else {
            throw InputError(file: path, "has '\(reserved)' in the reserved field (bytes 193–236), neither "
                             + "\(variant.name)+C nor \(variant.name)+D")
        }
        continuous = plus

        let count = try fields.integer(252, 4, "the number of signals (bytes 253–256)")
        guard count >= 1 else { throw InputError(file: path, "the number of signals (bytes 253–256) is \(count); it must be at least 1") }
        headerBytes = try fields.integer(184, 8, "the header size (bytes 185–192)")
        guard headerBytes == 256 * (count + 1) else {
            throw InputError(file: path, "the header size (bytes 185–192) is \(headerBytes), not 256 × (1 + \(count) signals) "
                             + "= \(256 * (count + 1))")
        }
        guard headerBytes <= bytes.count else {
            throw InputError(file: path, "is truncated: its header of \(count) signals needs \(headerBytes) bytes, "
                             + "but the file has \(bytes.count)")
        }
        recordDuration = try fields.decimal(244, 8, "the record duration (bytes 245–252)")

        var signals = [EDFSignal]()
        var offset = 0
        for i in 0..<count {
            /// Byte of signal i's field that starts `before` bytes of fields into each signal header.
            func at(_ before: Int, _ width: Int) -> Int { 256 + before * count + i * width }
            let label = fields.text(at(0, 16), 16)
            let name = "signal \(i + 1) ('\(label)')"
            let isAnnotation = label == EDFVariant.edf.annotationLabel || label == EDFVariant.bdf.annotationLabel
            let samplesPerRecord = try fields.integer(at(216, 8), 8, "\(name): samples per record")
            guard samplesPerRecord > 0 else {
                throw InputError(file: path, "\(name): samples per record is \(samplesPerRecord); it must be positive")
            }
            var signal = EDFSignal(label: label, transducer: fields.text(at(16, 80), 80), unit: fields.text(at(96, 8), 8),
                                   physicalMinimum: 0, physicalMaximum: 1, digitalMinimum: variant.digitalRange.lowerBound,
                                   digitalMaximum: variant.digitalRange.upperBound, samplesPerRecord: samplesPerRecord,
                                   offset: offset, isAnnotation: isAnnotation)
            if !isAnnotation {
                try Self.readScaling(&signal, fields, at(104, 8), at(112, 8), at(120, 8), at(128, 8),
                                     name: name, variant: variant, path: path)
            }
            signals.append(signal)
            offset += samplesPerRecord * variant.sampleBytes
        }
        var names = Set<String>()
        for signal in signals where !signal.isAnnotation && !names.insert(signal.label.lowercased()).inserted {
            throw InputError(file: path, "two signals are labelled '\(signal.label)'; channels are chosen by label, "
                             + "so labels must differ")
        }
        guard recordDuration > 0 || (recordDuration == 0 && signals.allSatisfy(\.isAnnotation)) else {
            throw InputError(file: path, "the record duration (bytes 245–252) is \(recordDuration) s; it must be positive "
                             + "(0 only in a file of annotations alone)")
        }
        if let fastest = signals.filter({ !$0.isAnnotation }).map(\.samplesPerRecord).max(),
           !(Double(fastest) / recordDuration).isFinite {
            throw InputError(file: path, "the record duration (bytes 245–252) of \(recordDuration) s gives "
                             + "\(fastest) samples per record a rate beyond the largest number")
        }
        self.signals = signals
        recordBytes = offset

        let stated = try fields.integer(236, 8, "the number of data records (bytes 237–244)")
        let available = bytes.count - headerBytes
        if stated == -1 {
            guard available % recordBytes == 0 else {
                throw InputError(file: path, "the number of data records is -1 (unknown, still recording), and the "
                                 + "\(available) bytes after the header are not whole records of \(recordBytes) bytes")
            }
            recordCount = available / recordBytes
            warnings.append("the header gives the number of data records as -1 (still recording); "
                            + "\(recordCount) records were read, as many as the file holds")
        } else {
            guard stated >= 0 else {
                throw InputError(file: path, "the number of data records (bytes 237–244) is \(stated); it must be 0 or more, "
                                 + "or -1 while still recording")
            }
            let (needed, overflow) = stated.multipliedReportingOverflow(by: recordBytes)
            guard !overflow, needed <= available else {
                throw InputError(file: path, "is truncated: \(stated) data records of \(recordBytes) bytes need "
                                 + "\(overflow ? "more" : String(needed)) bytes after the \(headerBytes)-byte header, "
                                 + "but the file has \(available) there")
            }
            guard needed == available else {
                throw InputError(file: path, "has \(available - needed) bytes after its \(stated) data records of "
                                 + "\(recordBytes) bytes (the file has \(bytes.count) bytes, the header accounts for "
                                 + "\(headerBytes + needed))")
            }
            recordCount = stated
        }
    }

    /// Physical and digital minimum and maximum of a signal: digital limits
    /// whole numbers within the variant's range, minimum below maximum;
    /// physical limits different and small enough that no stored value scales
    /// to infinity.
    private static func readScaling(_ signal: inout EDFSignal, _ fields: EDFFields, _ physicalMinimumAt: Int,
                                    _ physicalMaximumAt: Int, _ digitalMinimumAt: Int, _ digitalMaximumAt: Int,
                                    name: String, variant: EDFVariant, path: String) throws {
        signal.physicalMinimum = try fields.decimal(physicalMinimumAt, 8, "\(name): physical minimum")
        signal.physicalMaximum = try fields.decimal(physicalMaximumAt, 8, "\(name): physical maximum")
        signal.digitalMinimum = try fields.integer(digitalMinimumAt, 8, "\(name): digital minimum")
        signal.digitalMaximum = try fields.integer(digitalMaximumAt, 8, "\(name): digital maximum")
        for (what, value) in [("minimum", signal.digitalMinimum), ("maximum", signal.digitalMaximum)]
        where !variant.digitalRange.contains(value) {
            throw InputError(file: path, "\(name): digital \(what) \(value) is outside the \(variant.sampleBytes * 8)-bit "
                             + "range \(variant.digitalRange.lowerBound)…\(variant.digitalRange.upperBound)")
        }
        guard signal.digitalMinimum < signal.digitalMaximum else {
            throw InputError(file: path, "\(name): digital minimum \(signal.digitalMinimum) is not below the digital "
                             + "maximum \(signal.digitalMaximum)")
        }
        guard signal.physicalMinimum != signal.physicalMaximum else {
            throw InputError(file: path, "\(name): physical minimum and maximum are both \(signal.physicalMinimum)")
        }
        let gain = (signal.physicalMaximum - signal.physicalMinimum) / Double(signal.digitalMaximum - signal.digitalMinimum)
        let largest = abs(signal.physicalMinimum) + abs(gain) * Double(1 << (8 * variant.sampleBytes))
        guard largest.isFinite else {
            throw InputError(file: path, "\(name): physical minimum \(signal.physicalMinimum) and maximum "
                             + "\(signal.physicalMaximum) scale samples beyond the largest number")
        }
    }
}

/// Space-padded ASCII header fields.
struct EDFFields {
    let bytes: UnsafeRawBufferPointer
    let path: String

    /// The field's bytes as text (non-ASCII bytes as U+FFFD), trimmed of spaces unless `trimmed` is false.
    func text(_ start: Int, _ length: Int, trimmed: Bool = true) -> String {
        let text = String(decoding: bytes[start..<(start + length)], as: UTF8.self)
        return trimmed ? text.trimmingCharacters(in: .whitespaces) : text
    }

    func integer(_ start: Int, _ length: Int, _ name: String) throws -> Int {
        let field = text(start, length)
        guard let value = Int(field) else { throw InputError(file: path, "\(name) is '\(field)', not a whole number") }
        return value
    }

    /// A finite decimal number: sign, digits, point and exponent only (no `inf`, `nan` or hexadecimal).
    func decimal(_ start: Int, _ length: Int, _ name: String) throws -> Double {
        let field = text(start, length)
        guard field.allSatisfy({ "+-.0123456789eE".contains($0) }), let value = Double(field), value.isFinite else {
            throw InputError(file: path, "\(name) is '\(field)', not a number")
        }
        return value
    }
}
