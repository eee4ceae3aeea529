import Foundation

/// Reads 16-bit words and 32-bit reals from a C3D file's bytes in the byte
/// order and real format of the processor that wrote it (parameter section
/// byte 4). Callers check bounds before reading.
struct C3DNumberReader {
    /// The file's bytes, valid while the file is parsed.
    let bytes: UnsafeRawBufferPointer
    let processor: C3DFile.Processor

    /// An unsigned 16-bit word: little-endian for Intel and DEC, big-endian for MIPS.
    func uint16(at offset: Int) -> UInt16 {
        let (first, second) = (UInt16(bytes[offset]), UInt16(bytes[offset + 1]))
        return processor == .mips ? first << 8 | second : second << 8 | first
    }

    func int16(at offset: Int) -> Int16 { Int16(bitPattern: uint16(at: offset)) }

    /// A 32-bit real: IEEE little-endian (Intel), IEEE big-endian (MIPS) or DEC
    /// (VAX) F_floating. A DEC real is two little-endian 16-bit words, the one
    /// with the sign, the 8-bit exponent (bias 128) and the high fraction bits
    /// first; its significand is 0.1f (binary) where IEEE's is 1.f, so read as
    /// IEEE from word-swapped bytes it is 4 times too large. Exponent 0 is zero
    /// (sign clear) or DEC's reserved operand (sign set), returned as NaN.
    func real(at offset: Int) -> Double {
        switch processor {
        case .intel:
            return Double(Float(bitPattern: UInt32(uint16(at: offset + 2)) << 16 | UInt32(uint16(at: offset))))
        case .mips:
            return Double(Float(bitPattern: UInt32(uint16(at: offset)) << 16 | UInt32(uint16(at: offset + 2))))
        case .dec:
            let bits = UInt32(uint16(at: offset)) << 16 | UInt32(uint16(at: offset + 2))
            let exponent = Int(bits >> 23 & 0xFF)
            let negative = bits >> 31 == 1
            guard exponent != 0 else { return negative ? .nan : 0 }
            let significand = 1 + Double(bits & 0x7F_FFFF) / 8_388_608
            return Double(sign: negative ? .minus : .plus, exponent: exponent - 129, significand: significand)
        }
    }
}

/// One parameter record: data type (−1 character, 1 byte, 2 16-bit integer,
/// 4 real), dimensions (first varies fastest) and where its data lies.
struct C3DParameter {
    var type: Int
    var dimensions: [Int]
    var data: Range<Int>
}

/// The parameter section: groups and their parameters, looked up as
/// "GROUP:NAME" (upper case).
///
/// The section starts at the block named by header byte 1; its own byte 3 is
/// its length in 512-byte blocks and byte 4 the processor type; records
/// follow from byte 5. A record starts with the name's length (signed: negative
/// means locked) and an ID (negative for a group, the owning group's positive
/// ID for a parameter), then the name and a signed 16-bit offset from that
/// offset word to the next record (0 ends the list, as does a record whose
/// name length or ID is 0). A parameter then has its data type, its number of
/// dimensions (0–7; 0 is a scalar), one byte per dimension, the data, and a
/// description.
struct C3DParameters {
    let reader: C3DNumberReader
    let path: String
    private var records = [String: C3DParameter]()

    /// Parses the records in `section` (the section less its 4-byte header).
    init(reader: C3DNumberReader, section: Range<Int>, path: String) throws {
        self.reader = reader
        self.path = path
        let bytes = reader.bytes
        var groupNames = [Int: String]()
        var parameters = [(group: Int, name: String, parameter: C3DParameter)]()
        var position = section.lowerBound
        while position + 2 <= section.upperBound {
            let nameLength = abs(Int(Int8(bitPattern: bytes[position])))
            let id = Int(Int8(bitPattern: bytes[position + 1]))
            if nameLength == 0 || id == 0 { break }
            let nameEnd = position + 2 + nameLength
            guard nameEnd + 2 <= section.upperBound else {
                throw InputError(file: path, "the parameter record at byte \(position) runs past the end of the parameter section")
            }
            let name = String(decoding: bytes[(position + 2)..<nameEnd], as: UTF8.self).uppercased()
            let offset = Int(reader.int16(at: nameEnd))
            let next = nameEnd + offset
            guard offset == 0 || (offset >= 2 && next <= section.upperBound) else {
                throw InputError(file: path, "parameter record '\(name)' points to its successor at byte \(next), "
                                 + "outside the parameter section (bytes \(section.lowerBound - 4)–\(section.upperBound - 1))")
            }
            let recordEnd = offset == 0 ? section.upperBound : next
            if id < 0 {
                if groupNames[-id] == nil { groupNames[-id] = name }
            } else {
                parameters.append((id, name, try Self.parameter(name, bytes: bytes, body: (nameEnd + 2)..<recordEnd, path: path)))
            }
            if offset == 0 { break }
            position = next
        }
        for (group, name, parameter) in parameters {
            guard let groupName = groupNames[group] else { continue }
            let key = "\(groupName):\(name)"
            if records[key] == nil { records[key] = parameter }
        }
    }

    /// Checks a parameter's type, dimensions and data against its record's end.
    private static func parameter(_ name: String, bytes: UnsafeRawBufferPointer, body: Range<Int>, path: String) throws -> C3DParameter {
        guard body.count >= 2 else {
            throw InputError(file: path, "parameter record '\(name)' ends before its data type and dimensions")
        }
        let type = Int(Int8(bitPattern: bytes[body.lowerBound]))
        guard [-1, 1, 2, 4].contains(type) else {
            throw InputError(file: path, "parameter '\(name)' has data type \(type) (a C3D parameter has -1, 1, 2 or 4)")
        }
        let dimensionCount = Int(Int8(bitPattern: bytes[body.lowerBound + 1]))
        guard (0...7).contains(dimensionCount) else {
            throw InputError(file: path, "parameter '\(name)' has \(dimensionCount) dimensions (a C3D parameter has 0 to 7)")
        }
        let dataStart = body.lowerBound + 2 + dimensionCount
        guard dataStart <= body.upperBound else {
            throw InputError(file: path, "parameter '\(name)' has dimensions running past the end of its record")
        }
        let dimensions = bytes[(body.lowerBound + 2)..<dataStart].map(Int.init)
        // At most 7 dimensions of at most 255: the product fits comfortably in Int.
        let length = dimensions.reduce(abs(type), *)
        guard length <= body.upperBound - dataStart else {
            throw InputError(file: path, "parameter '\(name)' declares \(length) bytes of data (dimensions \(dimensions)), "
                             + "more than its record holds")
        }
        return C3DParameter(type: type, dimensions: dimensions, data: dataStart..<(dataStart + length))
    }

    func contains(_ key: String) -> Bool { records[key] != nil }

    /// The values of a numeric parameter in storage order, or nil if it is
    /// absent. Bytes are unsigned; 16-bit integers are signed unless `unsigned`.
    func numbers(_ key: String, unsigned: Bool = false) throws -> [Double]? {
        guard let parameter = records[key] else { return nil }
        let data = parameter.data
        switch parameter.type {
        case 1:
            return reader.bytes[data].map(Double.init)
        case 2:
            return stride(from: data.lowerBound, to: data.upperBound, by: 2).map {
                unsigned ? Double(reader.uint16(at: $0)) : Double(reader.int16(at: $0))
            }
        case 4:
            return stride(from: data.lowerBound, to: data.upperBound, by: 4).map { reader.real(at: $0) }
        default:
            throw InputError(file: path, "parameter \(key) holds text where numbers are expected")
        }
    }

    /// A numeric parameter followed by its continuations, "NAME2", "NAME3", …,
    /// which files use when one parameter's 255-element dimension is too small.
    func numbersContinued(_ key: String, unsigned: Bool = false) throws -> [Double]? {
        guard var values = try numbers(key, unsigned: unsigned) else { return nil }
        var index = 2
        while let more = try numbers("\(key)\(index)", unsigned: unsigned) {
            values += more
            index += 1
        }
        return values
    }

    /// The first value of a numeric parameter, or nil if absent or empty.
    func number(_ key: String) throws -> Double? { try numbers(key)?.first }

    /// A count such as ANALOG:USED: a whole number from 0 to 65535, or nil if absent.
    func count(_ key: String) throws -> Int? {
        guard let value = try number(key) else { return nil }
        guard value.rounded() == value, (0...65535).contains(value) else {
            let shown = value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
            throw InputError(file: path, "\(key) is \(shown); expected a count from 0 to 65535")
        }
        return Int(value)
    }

    /// The strings of a character parameter, trimmed of spaces and NULs: the
    /// first dimension is the length of each string, the rest count them.
    func strings(_ key: String) throws -> [String]? {
        guard let parameter = records[key] else { return nil }
        guard parameter.type == -1 else {
            throw InputError(file: path, "parameter \(key) holds numbers where text is expected")
        }
        let length = parameter.dimensions.first ?? 1
        guard length > 0 else { return [] }
        return stride(from: parameter.data.lowerBound, to: parameter.data.upperBound, by: length).map { start in
            let field = reader.bytes[start..<min(start + length, parameter.data.upperBound)]
            let text = String(validating: field, as: UTF8.self)
                ?? String(field.map { Character(Unicode.Scalar($0)) })
            return text.trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: "\0")))
        }
    }

    /// A character parameter followed by its continuations ("LABELS2", …).
    func stringsContinued(_ key: String) throws -> [String]? {
        guard var values = try strings(key) else { return nil }
        var index = 2
        while let more = try strings("\(key)\(index)") {
            values += more
            index += 1
        }
        return values
    }
}
