import Foundation
import ReferenceCore

/// Reading a whole file with a one-line error that says why it failed.
package enum FileBytes {
    /// The contents of `path`, or a `RefvisError` such as
    /// "x.npy: cannot read: no such file".
    package static func read(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RefvisError("\(path): cannot read: no such file")
        }
        guard !isDirectory.boolValue else { throw RefvisError("\(path): cannot read: it is a directory") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw RefvisError("\(path): cannot read: permission denied")
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = "\(error.localizedDescription)".split(whereSeparator: \.isNewline).joined(separator: " ")
            throw RefvisError("\(path): cannot read: \(reason)")
        }
    }
}
