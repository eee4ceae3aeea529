import Foundation
import Synchronization

/// Writes a set of result files all-or-nothing: each goes to a temporary name
/// in its destination folder, and only when every one is written are they
/// renamed into place.
///
/// A file this process has read as input is never replaced: naming one as an
/// output is refused before anything is written.
///
/// A temporary is named `.NAME.partial-HOST-PID` (this machine's host name,
/// this process's id), so a run killed before its renames leaves only such
/// files, never a partial result, and a later run can tell which of them are
/// abandoned: those of this host whose process is gone.
public enum OutputFiles {
    /// Writes `files`; first, unless `removingAbandoned` is false (a caller that
    /// cleans its folder once, like `batch`, for its many writes), removes the
    /// abandoned temporaries in their folders.
    public static func write(_ files: [(path: String, contents: Data)], removingAbandoned: Bool = true) throws {
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
        var folders = [String]()
        for file in files {
            let folder = Self.folder(of: file.path)
            if !folders.contains(folder) { folders.append(folder) }
        }
        if removingAbandoned { for folder in folders { removeAbandonedTemporaries(in: folder) } }
        var written = [(temporary: String, final: String)]()
        do {
            for file in files {
                let name = (file.path as NSString).lastPathComponent
                let temporary = (Self.folder(of: file.path) as NSString).appendingPathComponent(temporaryName(for: name))
                // Written in place (not `createFile`, which goes through a temporary of its own,
                // `.dat.nosync…`, that a kill would leave behind).
                do {
                    try file.contents.write(to: URL(fileURLWithPath: temporary))
                } catch {
                    try? manager.removeItem(atPath: temporary)
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

    /// Removes the temporaries that killed runs on this machine left in `folder`:
    /// `.NAME.partial-HOST-PID` with this host's name and a PID that is no live
    /// process. Another host's temporaries are kept (its run may still be
    /// writing them into a shared folder), and so is every other file.
    public static func removeAbandonedTemporaries(in folder: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names {
            guard let owner = temporaryOwner(name), owner.host == hostName, !isRunning(owner.process) else { continue }
            try? FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(name))
        }
    }

    /// The name this process writes `name` under until it is complete.
    static func temporaryName(for name: String) -> String {
        ".\(name)\(marker)\(hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// The host and process that wrote temporary `name`, or nil if it is no such temporary.
    static func temporaryOwner(_ name: String) -> (host: String, process: Int32)? {
        guard name.hasPrefix("."), let marker = name.range(of: marker, options: .backwards) else { return nil }
        let owner = name[marker.upperBound...]
        guard let dash = owner.lastIndex(of: "-"), let process = Int32(owner[owner.index(after: dash)...]),
              process > 0 else { return nil }
        return (String(owner[..<dash]), process)
    }

    private static let marker = ".partial-"

    /// This machine's host name (`gethostname`), with any `/` replaced so it can be part of a file name.
    static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name.replacingOccurrences(of: "/", with: "_")
    }()

    /// Whether `process` is a live process on this machine (`kill(pid, 0)`
    /// succeeds, or fails only for lack of permission).
    static func isRunning(_ process: Int32) -> Bool {
        kill(process, 0) == 0 || errno == EPERM
    }

    private static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
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
final class FileIdentitySet: Sendable {
    private let members = Mutex(Set<FileIdentity>())

    func insert(_ identity: FileIdentity) { members.withLock { _ = $0.insert(identity) } }
    func contains(_ identity: FileIdentity) -> Bool { members.withLock { $0.contains(identity) } }
}
