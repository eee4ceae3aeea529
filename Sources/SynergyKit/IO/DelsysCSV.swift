import Foundation

/// PLACEHOLDER: replaced by the reader's implementation.
public enum DelsysCSV {
    public static func parseEMGworks(_ bytes: Data, path: String) throws -> LabRecording {
        throw InputError(file: path, "this format is not read yet")
    }
    public static func parseDiscover(_ bytes: Data, path: String) throws -> LabRecording {
        throw InputError(file: path, "this format is not read yet")
    }
}
