/// Bad input: one line naming the file, where in it, and what is wrong.
public struct InputError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int?
    public var column: String?
    public var problem: String

    public init(file: String, line: Int? = nil, column: String? = nil, _ problem: String) {
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
    }

    public var description: String {
        var place = [String]()
        if let line { place.append("line \(line)") }
        if let column { place.append("column '\(column)'") }
        return place.isEmpty ? "\(file): \(problem)" : "\(file): \(place.joined(separator: ", ")): \(problem)"
    }
}
