import Foundation

/// PLACEHOLDER: replaced by the reader's implementation.
public enum NoraxonCSV {
    public static func parse(_ bytes: Data, path: String) throws -> LabRecording {
        throw InputError(file: path, "this format is not read yet")
    }
}
