import Foundation

/// Writes a set of result files all-or-nothing: each goes to a temporary name
/// in its destination folder, and only when every one is written are they
/// renamed into place.
///
/// A file this process has read as input is never replaced: naming one as an
/// output is refused before anything is written.
public enum OutputFiles {
    public static func write(_ files: [(path: String, contents: Data)]) throws {
        let manager = FileManager.default
        for file in files {
            if let identity = FileIdentity(path: file.path), FileIdentity.inputs.contains(identity) {
                throw InputError(file: file.path, "is an input of this run and will not be overwritten; "
                                 + "choose another output path")
            }
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

/// A file as the file system knows it (device and inode), so that two paths
/// to one file (relative, absolute, through a link) are recognised as one.
struct FileIdentity: Hashable {
    let device: UInt64
    let inode: UInt64

    init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }

    /// Every file read through `FileInput` in this process.
    static let inputs = FileIdentitySet()
}

/// A set of file identities shared by the threads of a run.
final class FileIdentitySet: @unchecked Sendable {
    private let lock = NSLock()
    private var members = Set<FileIdentity>()

    func insert(_ identity: FileIdentity) { lock.withLock { _ = members.insert(identity) } }
    func contains(_ identity: FileIdentity) -> Bool { lock.withLock { members.contains(identity) } }
}
