import Foundation

/// Writes a set of result files all-or-nothing: each goes to a temporary name
/// in its destination folder, and only when every one is written are they
/// renamed into place.
public enum OutputFiles {
    public static func write(_ files: [(path: String, contents: Data)]) throws {
        let manager = FileManager.default
        for file in files {
            let folder = (file.path as NSString).deletingLastPathComponent
            var isFolder: ObjCBool = false
            if !folder.isEmpty, !manager.fileExists(atPath: folder, isDirectory: &isFolder) || !isFolder.boolValue {
                throw InputError(file: file.path, "cannot be written: the folder \(folder) does not exist")
            }
        }
        var written = [(temporary: String, final: String)]()
        do {
            for file in files {
                let folder = (file.path as NSString).deletingLastPathComponent
                let name = (file.path as NSString).lastPathComponent
                let temporary = ((folder.isEmpty ? "." : folder) as NSString)
                    .appendingPathComponent(".\(name).partial-\(ProcessInfo.processInfo.processIdentifier)")
                guard manager.createFile(atPath: temporary, contents: file.contents) else {
                    throw InputError(file: file.path, "cannot be written")
                }
                written.append((temporary, file.path))
            }
            for file in written where rename(file.temporary, file.final) != 0 {
                throw InputError(file: file.final, "cannot be written (rename failed, errno \(errno))")
            }
        } catch {
            for file in written { try? manager.removeItem(atPath: file.temporary) }
            throw error as? InputError ?? InputError(file: files.first?.path ?? "", "cannot be written: \(error)")
        }
    }
}
