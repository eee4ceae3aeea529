import Foundation

/// The analog channels and events of a C3D file (https://www.c3d.org).
///
/// A C3D file is a sequence of 512-byte blocks: a header block, the
/// parameter section, then the data. Header words are 16-bit, numbered from 1:
/// byte 1 points to the parameter section's first block and byte 2 is 0x50;
/// word 2 counts points, word 3 analog values per frame (channels × samples
/// per frame), words 4 and 5 are the first and last frame numbers, words 7–8
/// the point scale factor (a negative scale means the data are stored as
/// reals, otherwise as 16-bit integers) and word 9 the first data block.
/// Each frame holds every point (x, y, z and a residual/camera word), then its
/// analog samples: sample 1 of every channel, sample 2 of every channel, ….
///
/// The reader checks every count against the file's size before it allocates,
/// and rejects bad input with an `InputError` naming the file.
public struct C3DFile: Sendable, Equatable {
    /// Byte 4 of the parameter section, 83 + the processor type. It sets the
    /// byte order of integers and reals and the real format.
    public enum Processor: UInt8, Sendable {
        /// Little-endian, IEEE reals.
        case intel = 84
        /// Little-endian, DEC (VAX) F_floating reals.
        case dec = 85
        /// Big-endian, IEEE reals.
        case mips = 86
    }

    /// The path as the user gave it.
    public var path: String
    /// SHA-256 of the file's bytes, lower-case hex (empty when parsed from bytes).
    public var sha256: String
    /// The processor type, which sets the byte order and real format.
    public var processor: Processor
    /// ANALOG:LABELS, trimmed; one per channel.
    public var analogLabels: [String]
    /// ANALOG:DESCRIPTIONS, one per channel (empty where the file has none).
    public var analogDescriptions: [String]
    /// ANALOG:UNITS, one per channel (empty where the file has none).
    public var analogUnits: [String]
    /// ANALOG:RATE, samples per second of every channel.
    public var analogRate: Double
    /// POINT:RATE (else header words 11–12), frames per second.
    public var pointRate: Double
    /// Number of the first frame (frame 1 is time 0).
    public var firstFrame: Int
    /// Number of frames, last frame − first frame + 1.
    public var frameCount: Int
    /// One array per channel, `frameCount` × samples per frame values, in the
    /// channel's units: (raw − ANALOG:OFFSET) × ANALOG:SCALE × ANALOG:GEN_SCALE.
    public var analog: [[Double]]
    /// The EVENT group's events, in time order.
    public var events: [RecordingEvent]

    /// A file from its parts, as the reader assembles it.
    public init(path: String, sha256: String, processor: Processor, analogLabels: [String],
                analogDescriptions: [String], analogUnits: [String], analogRate: Double, pointRate: Double,
                firstFrame: Int, frameCount: Int, analog: [[Double]], events: [RecordingEvent]) {
        self.path = path
        self.sha256 = sha256
        self.processor = processor
        self.analogLabels = analogLabels
        self.analogDescriptions = analogDescriptions
        self.analogUnits = analogUnits
        self.analogRate = analogRate
        self.pointRate = pointRate
        self.firstFrame = firstFrame
        self.frameCount = frameCount
        self.analog = analog
        self.events = events
    }

    /// Analog samples per frame, ANALOG:RATE / POINT:RATE.
    public var samplesPerFrame: Int { analog.first.map { $0.count / max(frameCount, 1) } ?? 0 }

    /// The analog channels as a raw EMG recording: channels named by their
    /// labels, starting at (first frame − 1) / POINT:RATE seconds.
    public var recording: EMGRecording {
        EMGRecording(path: path, sha256: sha256, channelNames: analogLabels, sampleRate: analogRate,
                     startTime: Double(firstFrame - 1) / pointRate, channels: analog, events: events)
    }

    /// Reads and parses the file, straight from its (memory-mapped) bytes.
    public static func read(path: String) throws -> C3DFile {
        let data = try FileInput.contents(of: path)
        var file = try data.withUnsafeBytes { try parse(bytes: $0, path: path) }
        file.sha256 = FileInput.sha256(data)
        return file
    }

    /// Parses the bytes of a C3D file; `path` only names the source in errors.
    public static func parse(_ bytes: [UInt8], path: String) throws -> C3DFile {
        try bytes.withUnsafeBytes { try parse(bytes: $0, path: path) }
    }

    static func parse(bytes: UnsafeRawBufferPointer, path: String) throws -> C3DFile {
        guard bytes.count >= 512 else {
            throw InputError(file: path, "is truncated or not a C3D file: \(bytes.count) bytes, "
                             + "less than the 512-byte header")
        }
        guard bytes[1] == 0x50 else {
            throw InputError(file: path, "is not a C3D file: its second byte is \(bytes[1]), where a C3D file has 80 (0x50)")
        }
        let parameterBlock = Int(bytes[0])
        guard parameterBlock >= 2 else {
            throw InputError(file: path, "is corrupt: header byte 1 puts the parameter section at block "
                             + "\(parameterBlock); it must be block 2 or later")
        }
        let sectionStart = (parameterBlock - 1) * 512
        guard sectionStart + 4 <= bytes.count else {
            throw InputError(file: path, "is truncated or corrupt: header byte 1 puts the parameter section at block "
                             + "\(parameterBlock), but the file has \(bytes.count) bytes (\((bytes.count + 511) / 512) blocks)")
        }
        guard let processor = Processor(rawValue: bytes[sectionStart + 3]) else {
            throw InputError(file: path, "has unknown processor type \(bytes[sectionStart + 3]) in byte 4 of the parameter "
                             + "section (84 Intel, 85 DEC or 86 MIPS)")
        }
        let sectionBlocks = Int(bytes[sectionStart + 2])
        guard sectionBlocks >= 1 else {
            throw InputError(file: path, "is corrupt: byte 3 of the parameter section gives its length as 0 blocks")
        }
        let sectionEnd = sectionStart + sectionBlocks * 512
        guard sectionEnd <= bytes.count else {
            throw InputError(file: path, "is truncated: the parameter section (\(sectionBlocks) blocks from block "
                             + "\(parameterBlock)) runs past the end of the file (\(bytes.count) bytes)")
        }
        let reader = C3DNumberReader(bytes: bytes, processor: processor)
        let parameters = try C3DParameters(reader: reader, section: (sectionStart + 4)..<sectionEnd, path: path)
        let header = C3DHeader(reader)
        let layout = try C3DDataLayout(header: header, parameters: parameters, path: path)
        let channels = try C3DAnalogChannels(parameters: parameters, count: layout.channelCount, path: path)
        let analog = try readAnalog(reader, layout: layout, channels: channels, path: path)
        return C3DFile(path: path, sha256: "", processor: processor, analogLabels: channels.labels,
                       analogDescriptions: channels.descriptions, analogUnits: channels.units,
                       analogRate: layout.analogRate, pointRate: layout.pointRate, firstFrame: layout.firstFrame,
                       frameCount: layout.frameCount, analog: analog, events: try readEvents(parameters, path: path))
    }

    /// Reads the analog samples of every frame and scales them.
    private static func readAnalog(_ reader: C3DNumberReader, layout: C3DDataLayout, channels: C3DAnalogChannels,
                                   path: String) throws -> [[Double]] {
        let sampleCount = layout.frameCount * layout.samplesPerFrame
        let factors = channels.scales.map { $0 * channels.generalScale }
        var analog = [[Double]](repeating: [], count: layout.channelCount)
        for channel in analog.indices { analog[channel].reserveCapacity(sampleCount) }
        let wordSize = layout.realStorage ? 4 : 2
        let pointBytes = 4 * layout.pointCount * wordSize
        var position = layout.dataStart
        for _ in 0..<layout.frameCount {
            position += pointBytes
            for _ in 0..<layout.samplesPerFrame {
                for channel in 0..<layout.channelCount {
                    let raw: Double
                    if layout.realStorage {
                        raw = reader.real(at: position)
                    } else if channels.unsigned {
                        raw = Double(reader.uint16(at: position))
                    } else {
                        raw = Double(reader.int16(at: position))
                    }
                    let value = (raw - channels.offsets[channel]) * factors[channel]
                    guard value.isFinite else {
                        throw InputError(file: path, column: channels.labels[channel],
                                         "sample \(analog[channel].count + 1) is not finite (\(raw) in the file)")
                    }
                    analog[channel].append(value)
                    position += wordSize
                }
            }
        }
        return analog
    }

    /// The EVENT group: EVENT:USED events with EVENT:LABELS, EVENT:CONTEXTS and
    /// EVENT:TIMES, a (minutes, seconds) pair per event. Sorted by time.
    private static func readEvents(_ parameters: C3DParameters, path: String) throws -> [RecordingEvent] {
        let used = try parameters.count("EVENT:USED") ?? 0
        guard used > 0 else { return [] }
        let times = try parameters.numbers("EVENT:TIMES") ?? []
        guard times.count >= 2 * used else {
            throw InputError(file: path, "EVENT:USED is \(used) but EVENT:TIMES holds \(times.count / 2) (minutes, seconds) pairs")
        }
        let labels = try parameters.stringsContinued("EVENT:LABELS") ?? []
        let contexts = try parameters.stringsContinued("EVENT:CONTEXTS") ?? []
        let events = try (0..<used).map { index in
            let time = 60 * times[2 * index] + times[2 * index + 1]
            guard time.isFinite else {
                throw InputError(file: path, "EVENT:TIMES of event \(index + 1) is not finite")
            }
            return RecordingEvent(label: index < labels.count ? labels[index] : "",
                                  context: index < contexts.count ? contexts[index] : "", time: time)
        }
        return events.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }
}

/// The header block's 16-bit words (numbered from 1) in the file's byte order.
struct C3DHeader {
    let pointCount: Int
    let analogValuesPerFrame: Int
    let firstFrame: Int
    let lastFrame: Int
    let pointScale: Double
    let dataBlock: Int
    let frameRate: Double

    init(_ reader: C3DNumberReader) {
        func word(_ number: Int) -> Int { Int(reader.uint16(at: 2 * (number - 1))) }
        pointCount = word(2)
        analogValuesPerFrame = word(3)
        firstFrame = word(4)
        lastFrame = word(5)
        pointScale = reader.real(at: 12)
        dataBlock = word(9)
        frameRate = reader.real(at: 20)
    }
}

/// Where the data are and how a frame is laid out, checked against the file size.
struct C3DDataLayout {
    let pointCount: Int
    let channelCount: Int
    let samplesPerFrame: Int
    let realStorage: Bool
    let pointRate: Double
    let analogRate: Double
    let firstFrame: Int
    let frameCount: Int
    /// Byte offset of the first frame.
    let dataStart: Int

    /// - Channels: ANALOG:USED; samples per frame: header word 3 / ANALOG:USED,
    ///   which must agree with ANALOG:RATE / POINT:RATE.
    /// - Frames: header words 4–5, or TRIAL:ACTUAL_START_FIELD and
    ///   TRIAL:ACTUAL_END_FIELD (each two 16-bit words, low first) when the
    ///   end field is well formed and not below the header's last frame —
    ///   files longer than 65535 frames need them.
    init(header: C3DHeader, parameters: C3DParameters, path: String) throws {
        channelCount = try parameters.count("ANALOG:USED") ?? 0
        guard channelCount >= 1 else {
            throw InputError(file: path, "has no analog channels (ANALOG:USED is 0 or absent)")
        }
        guard header.analogValuesPerFrame > 0, header.analogValuesPerFrame % channelCount == 0 else {
            throw InputError(file: path, "header word 3 gives \(header.analogValuesPerFrame) analog values per frame, "
                             + "not a positive multiple of the \(channelCount) channels of ANALOG:USED")
        }
        samplesPerFrame = header.analogValuesPerFrame / channelCount
        pointCount = header.pointCount
        guard header.pointScale.isFinite else {
            throw InputError(file: path, "the point scale factor (header words 7–8) is not finite")
        }
        realStorage = header.pointScale < 0

        pointRate = try parameters.number("POINT:RATE") ?? header.frameRate
        guard pointRate.isFinite, pointRate > 0 else {
            throw InputError(file: path, "POINT:RATE is \(pointRate); it must be a positive number of frames per second")
        }
        analogRate = try parameters.number("ANALOG:RATE") ?? pointRate * Double(samplesPerFrame)
        guard analogRate.isFinite, analogRate > 0 else {
            throw InputError(file: path, "ANALOG:RATE is \(analogRate); it must be a positive number of samples per second")
        }
        guard abs(analogRate - pointRate * Double(samplesPerFrame)) <= 1e-6 * analogRate else {
            throw InputError(file: path, "ANALOG:RATE (\(analogRate) Hz) is not the \(samplesPerFrame) analog samples "
                             + "per frame of header word 3 times POINT:RATE (\(pointRate) Hz)")
        }

        var (first, last) = (header.firstFrame, header.lastFrame)
        if let trialLast = try Self.frameField("TRIAL:ACTUAL_END_FIELD", parameters), trialLast >= last {
            last = trialLast
            first = try Self.frameField("TRIAL:ACTUAL_START_FIELD", parameters) ?? first
        }
        guard last >= first else {
            throw InputError(file: path, "the last frame (\(last)) comes before the first (\(first))")
        }
        firstFrame = first
        frameCount = last - first + 1

        guard header.dataBlock >= 2 else {
            throw InputError(file: path, "header word 9 puts the data at block \(header.dataBlock); it must be at least 2")
        }
        dataStart = (header.dataBlock - 1) * 512
        let wordSize = realStorage ? 4 : 2
        // Counts are below 2^16 and frames below 2^32, so only the last product can overflow.
        let frameBytes = (4 * pointCount + header.analogValuesPerFrame) * wordSize
        let (dataBytes, overflow) = frameCount.multipliedReportingOverflow(by: frameBytes)
        let available = parameters.reader.bytes.count - dataStart
        guard !overflow, dataBytes <= available else {
            throw InputError(file: path, "is truncated: \(frameCount) frames of \(frameBytes) bytes from block "
                             + "\(header.dataBlock) need \(overflow ? "more" : String(dataBytes)) bytes, "
                             + "but the file has \(max(available, 0)) there")
        }
    }

    /// A 32-bit frame number stored as two unsigned 16-bit words, low first;
    /// nil if absent or not two whole numbers in 0…65535.
    private static func frameField(_ key: String, _ parameters: C3DParameters) throws -> Int? {
        guard let words = try parameters.numbers(key, unsigned: true), words.count >= 2,
              words.prefix(2).allSatisfy({ $0.rounded() == $0 && (0...65535).contains($0) }) else { return nil }
        return Int(words[0]) + 65536 * Int(words[1])
    }
}

/// Per-channel names and scaling from the ANALOG group, each parameter
/// extended by its continuations (LABELS2, SCALE2, …). Labels name the
/// channels, so they must differ (ignoring case), as a CSV's headers must.
struct C3DAnalogChannels {
    var labels: [String]
    var descriptions: [String]
    var units: [String]
    /// ANALOG:SCALE (1 where absent).
    var scales: [Double]
    /// ANALOG:OFFSET (0 where absent), in raw units.
    var offsets: [Double]
    /// ANALOG:GEN_SCALE (1 if absent).
    var generalScale: Double
    /// ANALOG:FORMAT is "UNSIGNED": integer samples and offsets are unsigned.
    var unsigned: Bool

    init(parameters: C3DParameters, count: Int, path: String) throws {
        unsigned = try parameters.strings("ANALOG:FORMAT")?.first?.uppercased() == "UNSIGNED"
        labels = try parameters.stringsContinued("ANALOG:LABELS") ?? []
        guard labels.count >= count else {
            throw InputError(file: path, "ANALOG:LABELS names \(labels.count) channels but ANALOG:USED is \(count)")
        }
        labels = Array(labels.prefix(count))
        var seen = Set<String>()
        for label in labels where !seen.insert(label.lowercased()).inserted {
            throw InputError(file: path, column: label, "duplicate channel name in ANALOG:LABELS")
        }
        descriptions = Self.padded(try parameters.stringsContinued("ANALOG:DESCRIPTIONS") ?? [], count)
        units = Self.padded(try parameters.stringsContinued("ANALOG:UNITS") ?? [], count)
        scales = try Self.perChannel("ANALOG:SCALE", parameters, count, default: 1, unsigned: false, path: path)
        offsets = try Self.perChannel("ANALOG:OFFSET", parameters, count, default: 0, unsigned: unsigned, path: path)
        generalScale = try parameters.number("ANALOG:GEN_SCALE") ?? 1
        guard generalScale.isFinite else { throw InputError(file: path, "ANALOG:GEN_SCALE is not finite") }
        for (label, (scale, offset)) in zip(labels, zip(scales, offsets)) where !scale.isFinite || !offset.isFinite {
            throw InputError(file: path, column: label, "ANALOG:SCALE or ANALOG:OFFSET is not finite")
        }
    }

    private static func padded(_ strings: [String], _ count: Int) -> [String] {
        Array(strings.prefix(count)) + Array(repeating: "", count: max(0, count - strings.count))
    }

    private static func perChannel(_ key: String, _ parameters: C3DParameters, _ count: Int, default value: Double,
                                   unsigned: Bool, path: String) throws -> [Double] {
        guard let values = try parameters.numbersContinued(key, unsigned: unsigned) else {
            return Array(repeating: value, count: count)
        }
        guard values.count >= count else {
            throw InputError(file: path, "\(key) has \(values.count) values for the \(count) channels of ANALOG:USED")
        }
        return Array(values.prefix(count))
    }
}
