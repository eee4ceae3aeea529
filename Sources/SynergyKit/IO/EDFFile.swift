import Foundation

/// PLACEHOLDER: replaced by the reader's implementation.
public enum EDFFile {
    public static func parse(_ bytes: Data, path: String, format: RecordingFormat) throws -> LabRecording {
        throw InputError(file: path, "this format is not read yet")
    }
}
