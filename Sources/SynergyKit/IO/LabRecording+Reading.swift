import Foundation

extension LabRecording {
    /// Reads a recording in any supported format: `format` when given, else
    /// the format detected from the file's content (`RecordingFormat.detect`).
    /// `sampleRate` is the rate of a plain CSV without a time column.
    public static func read(path: String, format: RecordingFormat? = nil, sampleRate: Double? = nil) throws -> LabRecording {
        let bytes = try FileInput.contents(of: path)
        let sha256 = FileInput.sha256InBackground(bytes)  // while the file is parsed
        var recording = try parse(bytes, path: path, format: format ?? RecordingFormat.detect(bytes, path: path),
                                  sampleRate: sampleRate)
        recording.sha256 = sha256()
        return recording
    }

    /// Parses the bytes of a recording in `format`; `path` only names the source in errors.
    public static func parse(_ bytes: Data, path: String, format: RecordingFormat,
                             sampleRate: Double? = nil) throws -> LabRecording {
        if sampleRate != nil, format != .csv {
            throw InputError(file: path, .sampleRateNotApplicable(format: format))
        }
        switch format {
        case .csv:
            return LabRecording(uniform: try RawEMGCSV.parse(bytes, path: path, options: .init(sampleRate: sampleRate)),
                                format: .csv)
        case .c3d:
            let file = try bytes.withUnsafeBytes { try C3DFile.parse(bytes: $0, path: path) }
            var recording = LabRecording(uniform: file.recording, format: .c3d)
            for i in recording.channels.indices {
                recording.channels[i].unit = file.analogUnits[i]
                recording.channels[i].signal = file.analogDescriptions[i]
            }
            return recording
        case .delsysEMGworks: return try DelsysCSV.parseEMGworks(bytes, path: path)
        case .delsysDiscover: return try DelsysCSV.parseDiscover(bytes, path: path)
        case .nexusCSV: return try NexusCSV.parse(bytes, path: path)
        case .noraxonCSV: return try NoraxonCSV.parse(bytes, path: path)
        case .edf, .bdf: return try EDFFile.parse(bytes, path: path, format: format)
        case .btsEMT: return try BTSTracks.parse(bytes, path: path)
        }
    }

    /// A uniformly sampled recording (plain CSV, C3D) as channels of one rate
    /// whose kind the format does not say.
    init(uniform recording: EMGRecording, format: RecordingFormat) {
        self.init(path: recording.path, sha256: recording.sha256, format: format,
                  channels: zip(recording.channelNames, recording.channels).map {
                      LabChannel(name: $0.0, sampleRate: recording.sampleRate, startTime: recording.startTime, samples: $0.1)
                  },
                  events: recording.events)
    }
}

extension RecordingFormat {
    /// The format of a file, told from its first bytes: EDF's `0` and seven
    /// spaces, BDF's 0xFF `BIOSEMI`, C3D's parameter-section byte (or a `.c3d`
    /// name), and for text the first lines: `BTS ASCII format`, Trigno
    /// Discover's `Application:`, EMGworks' `X[s]` time columns or `Label:`
    /// block, a Nexus section name (`Devices`, `Trajectories`, …) alone on the
    /// first line, Noraxon's `time, Activity, Marker` header; anything else is a plain CSV.
    public static func detect(_ bytes: Data, path: String) -> RecordingFormat {
        let head = [UInt8](bytes.prefix(65_536))
        if head.count >= 8 {
            if head[0..<8].elementsEqual(Array("0       ".utf8)) { return .edf }
            if head[0] == 0xFF, head[1..<8].elementsEqual(Array("BIOSEMI".utf8)) { return .bdf }
        }
        if path.lowercased().hasSuffix(".c3d") || (head.count >= 2 && head[0] < 0x20 && head[0] > 0 && head[1] == 0x50) {
            return .c3d
        }
        var text = String(decoding: head, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let lines = text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline)
            .prefix(60).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let first = lines.first else { return .csv }
        if first.hasPrefix("BTS ASCII format") { return .btsEMT }
        if first.hasPrefix("Application:") { return .delsysDiscover }
        if first.hasPrefix("Label:") || first.hasPrefix("X[s]") || first.hasPrefix("\"X[s]\"") { return .delsysEMGworks }
        let firstCells = first.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if NexusCSV.sectionNames.contains(firstCells[0]), firstCells.dropFirst().allSatisfy(\.isEmpty) { return .nexusCSV }
        for line in lines {
            let cells = line.split(whereSeparator: { $0 == "," || $0 == "\t" || $0 == ";" }).prefix(3)
                .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"")).lowercased() }
            if cells.count == 3, cells[0].hasPrefix("time"), cells[1] == "activity", cells[2] == "marker" { return .noraxonCSV }
        }
        return .csv
    }
}
