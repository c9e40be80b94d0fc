import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// What `GoldenCaseWriter.write` did to one file of a case.
public struct GoldenFileChange: Sendable {
    public enum Kind: String, Sendable {
        case added, changed, removed, unchanged
    }
    public var file: String
    public var kind: Kind
    /// For a changed array of the same shape: the largest absolute difference.
    public var maxAbsDifference: Double?
    /// For a changed array: a short note such as "shape (2, 3) → (2, 4)".
    public var note: String?
}

/// Writes a golden case folder: `case.json`, its `.npy` arrays and extra files.
///
/// Readers never see a half-written case: the new folder is assembled beside
/// the old one under a hidden name (`.NAME.new-PID`, every file written by
/// `AtomicFile`), then swapped in by two renames — the old folder to
/// `.NAME.old-PID`, the new one to NAME. Interrupted before the swap, the old
/// case stays; interrupted between the two renames (a moment), the case is
/// absent and its previous contents sit in the hidden `.old` folder, which
/// readers skip; `refvis golden update` writes it again. A case whose bytes
/// would not change is not touched.
public enum GoldenCaseWriter {
    /// Writes `golden` with `arrays` (keyed by array name; every array of the
    /// case must be present) and `extraFiles` (keyed by file name) into
    /// `folder`, and returns what changed file by file.
    @discardableResult
    public static func write(_ golden: GoldenCase, arrays: [String: Tensor], extraFiles: [String: Data] = [:],
                             to folder: URL) throws -> [GoldenFileChange] {
        var contents = [String: Data]()
        var tensors = [String: Tensor]()
        for array in golden.allArrays {
            guard let tensor = arrays[array.name] else {
                throw RefvisError("golden case \(golden.name): no tensor for array '\(array.name)'")
            }
            guard tensor.shape == array.shape else {
                throw RefvisError("golden case \(golden.name): array '\(array.name)' is \(formatShape(tensor.shape)), case says \(formatShape(array.shape))")
            }
            contents[array.file] = NumPyFile.encode(tensor)
            tensors[array.file] = tensor
        }
        for (file, data) in extraFiles { contents[file] = data }
        contents["case.json"] = try encode(golden)

        let changes = compare(contents, tensors: tensors, with: folder)
        guard changes.contains(where: { $0.kind != .unchanged }) else { return changes }
        try replace(folder, with: contents)
        return changes
    }

    /// `case.json` as written: sorted keys, indented, slashes unescaped, a final newline.
    public static func encode(_ golden: GoldenCase) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(golden) + Data("\n".utf8)
    }

    private static func compare(_ contents: [String: Data], tensors: [String: Tensor], with folder: URL) -> [GoldenFileChange] {
        var changes = [GoldenFileChange]()
        for file in contents.keys.sorted() {
            let path = folder.appendingPathComponent(file).path
            guard let old = FileManager.default.contents(atPath: path) else {
                changes.append(GoldenFileChange(file: file, kind: .added))
                continue
            }
            if old == contents[file]! {
                changes.append(GoldenFileChange(file: file, kind: .unchanged))
                continue
            }
            var change = GoldenFileChange(file: file, kind: .changed)
            if let new = tensors[file], let previous = try? NumPyFile.read(data: old, name: path) {
                if previous.shape == new.shape {
                    change.maxAbsDifference = zip(previous.scalars, new.scalars).map { $0 == $1 ? 0 : abs($0 - $1) }.max() ?? 0
                } else {
                    change.note = "shape \(formatShape(previous.shape)) → \(formatShape(new.shape))"
                }
            }
            changes.append(change)
        }
        for file in existingFiles(in: folder) where contents[file] == nil {
            changes.append(GoldenFileChange(file: file, kind: .removed))
        }
        return changes
    }

    private static func existingFiles(in folder: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var files = [String]()
        while let item = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(item).path, isDirectory: &isDirectory),
               !isDirectory.boolValue {
                files.append(item)
            }
        }
        return files.sorted()
    }

    /// Builds the new folder under a hidden name, then swaps it in.
    private static func replace(_ folder: URL, with contents: [String: Data]) throws {
        let manager = FileManager.default
        let parent = folder.deletingLastPathComponent()
        let name = folder.lastPathComponent
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(name).new-\(pid)")
        let retired = parent.appendingPathComponent(".\(name).old-\(pid)")
        do {
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
            try? manager.removeItem(at: staging)
            try manager.createDirectory(at: staging, withIntermediateDirectories: false)
            for (file, data) in contents {
                let destination = staging.appendingPathComponent(file)
                try manager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                try AtomicFile.write(data, to: destination.path)
            }
            if manager.fileExists(atPath: folder.path) {
                try? manager.removeItem(at: retired)
                try manager.moveItem(at: folder, to: retired)
            }
            try manager.moveItem(at: staging, to: folder)
            try? manager.removeItem(at: retired)
        } catch let error as RefvisError {
            try? manager.removeItem(at: staging)
            throw error
        } catch {
            try? manager.removeItem(at: staging)
            throw RefvisError("\(folder.path): cannot write the golden case: \(error.localizedDescription)")
        }
    }
}
