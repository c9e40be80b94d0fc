import Foundation
import ReferenceCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing a file so that readers only ever see the old contents or the
/// complete new contents, never a half-written file.
///
/// The bytes go to a fresh temporary file in the destination's own directory
/// (`.<name>.<pid>.<random>.tmp`, created exclusively so two writers never
/// share one), which is flushed to disk and then renamed over the destination.
/// `rename(2)` within one file system replaces the name atomically. Any
/// failure removes the temporary file before throwing.
///
/// Details worth knowing:
/// - If the destination already exists as a regular file, the new file gets
///   its permission bits; otherwise the usual `0666 & ~umask`.
/// - If the destination is a symbolic link, the link itself is replaced by a
///   regular file (the file it pointed to is left alone), as with any
///   rename-based writer.
/// - The directory is not fsynced, so after a power loss the rename itself may
///   be lost; the destination then still holds the complete old contents.
public enum AtomicFile {
    /// Writes `data` to `path` atomically. Throws a one-line `RefvisError`
    /// naming `path` and the reason (missing directory, permissions, disk full,
    /// destination is a directory, ...); nothing is left behind on failure.
    public static func write(_ data: Data, to path: String) throws {
        guard !path.isEmpty else { throw RefvisError("cannot write a file with an empty path") }
        let (directory, name) = split(path)
        guard !name.isEmpty else {
            throw RefvisError("\(path): cannot write: the path names a directory, not a file")
        }
        try checkDirectory(directory, for: path)

        let prefix = directory.isEmpty || directory.hasSuffix("/") ? directory : directory + "/"
        let temporaryPath = prefix + temporaryName(for: name)
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw failure(path, "cannot create a temporary file in '\(displayed(directory))'", errno)
        }
        var succeeded = false
        var descriptorOpen = true
        defer {
            if descriptorOpen { _ = close(descriptor) }
            if !succeeded { _ = unlink(temporaryPath) }
        }

        copyPermissions(of: path, to: descriptor)
        try writeAll(data, to: descriptor, path: path)
        guard fsync(descriptor) == 0 else { throw failure(path, "cannot flush to disk", errno) }
        descriptorOpen = false
        guard close(descriptor) == 0 else { throw failure(path, "cannot close the temporary file", errno) }
        guard rename(temporaryPath, path) == 0 else { throw failure(path, "cannot replace the destination", errno) }
        succeeded = true
    }

    /// Splits at the last "/": ("dir/sub", "name.npy"), ("", "name.npy"), ("", "")
    /// for "", and ("/", ...) stays "/" so that "/x" works. Plain string work:
    /// Foundation's path helpers trap on some short paths on Linux.
    package static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        let name = String(path[path.index(after: slash)...])
        var directory = String(path[..<slash])
        if directory.isEmpty { directory = "/" }
        return (directory, name)
    }

    /// The extension of `path`'s last component, lower-cased ("" when none).
    package static func fileExtension(_ path: String) -> String {
        let name = split(path).name
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }

    private static func displayed(_ directory: String) -> String {
        directory.isEmpty ? "." : directory
    }

    /// Gives the common failures a clear reason before any file is created.
    private static func checkDirectory(_ directory: String, for path: String) throws {
        var isDirectory: ObjCBool = false
        let shown = displayed(directory)
        guard FileManager.default.fileExists(atPath: shown, isDirectory: &isDirectory) else {
            throw RefvisError("\(path): cannot write: directory '\(shown)' does not exist")
        }
        guard isDirectory.boolValue else {
            throw RefvisError("\(path): cannot write: '\(shown)' is not a directory")
        }
        guard access(shown, W_OK | X_OK) == 0 else {
            throw RefvisError("\(path): cannot write: directory '\(shown)' is not writable")
        }
    }

    /// A name no other writer uses: hidden, with our pid and 64 random bits.
    private static func temporaryName(for name: String) -> String {
        let random = String(UInt64.random(in: .min ... .max), radix: 16)
        return ".\(name).\(ProcessInfo.processInfo.processIdentifier).\(random).tmp"
    }

    /// Keeps the permission bits of a file being replaced (best effort).
    private static func copyPermissions(of path: String, to descriptor: Int32) {
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return }
        _ = fchmod(descriptor, status.st_mode & 0o7777)
    }

    /// `write(2)` may write less than asked or be interrupted; loop until done.
    private static func writeAll(_ data: Data, to descriptor: Int32, path: String) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure(path, "cannot write the data", errno)
                }
                offset += written
            }
        }
    }

    private static func failure(_ path: String, _ what: String, _ code: Int32) -> RefvisError {
        RefvisError("\(path): cannot write: \(what): \(String(cString: strerror(code)))")
    }
}

/// `write(2)`, named so it does not clash with `AtomicFile.write`.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(descriptor, bytes, count)
    #elseif canImport(Musl)
    return Musl.write(descriptor, bytes, count)
    #else
    return Darwin.write(descriptor, bytes, count)
    #endif
}
