/// Bad input: one line naming the file, where in it, and what is wrong.
public struct InputError: Error, CustomStringConvertible, Equatable {
    /// The file as the user gave it.
    public var file: String
    /// The line, 1-based, when the problem has one.
    public var line: Int?
    /// The column's header, when the problem has one.
    public var column: String?
    /// What is wrong, one sentence without the place.
    public var problem: String
    /// The facts, when the input does not fit a setting: a caller words
    /// them in its own terms (`problem` is their `description`).
    public var setting: SettingProblem?

    /// A problem at an optional line and column of `file`.
    public init(file: String, line: Int? = nil, column: String? = nil, _ problem: String) {
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
    }

    /// A setting the input does not fit, worded by `setting.description`.
    public init(file: String, line: Int? = nil, column: String? = nil, _ setting: SettingProblem) {
        self.init(file: file, line: line, column: column, setting.description)
        self.setting = setting
    }

    /// A signal-processing problem of this file.
    public init(file: String, _ error: SignalError) {
        self.init(file: file, error.problem)
        setting = error.setting
    }

    /// "FILE: line L, column 'C': PROBLEM" on one line: control characters
    /// quoted from the input (a newline in a label or cell) are escaped.
    public var description: String {
        var place = [String]()
        if let line { place.append("line \(line)") }
        if let column { place.append("column '\(column)'") }
        let text = place.isEmpty ? "\(file): \(problem)" : "\(file): \(place.joined(separator: ", ")): \(problem)"
        return text.unicodeScalars.map(Self.escaped).joined()
    }

    private static func escaped(_ scalar: Unicode.Scalar) -> String {
        guard scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" else {
            return String(scalar)
        }
        return scalar.escaped(asASCII: true)
    }
}
