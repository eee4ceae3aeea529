import Foundation

/// PLACEHOLDER: replaced by the reader's implementation.
public enum NexusCSV {
    /// Section titles of a Nexus CSV export.
    static let sectionNames: Set<String> = ["Devices", "Trajectories", "Model Outputs", "Joints", "Segments", "Events", "Global Variables"]
    public static func parse(_ bytes: Data, path: String) throws -> LabRecording {
        throw InputError(file: path, "this format is not read yet")
    }
}
