import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// Reads a golden folder laid out as `ops/<case>/case.json` and
/// `pipelines/<case>/case.json`, each case with its `.npy` arrays beside it.
///
/// Every problem is a one-line `RefvisError` naming the file and what is
/// wrong, so a checker can list it as a failure and go on to the next case.
public struct GoldenFolder: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    public init(path: String) {
        self.root = URL(fileURLWithPath: path)
    }

    /// The committed golden folder of this checkout (`Fixtures/golden`).
    public static var repository: GoldenFolder {
        GoldenFolder(path: RepositoryFixtures.directory() + "/golden")
    }

    /// The folder of the case `name` of `kind` (which may not exist yet).
    public func folder(of kind: GoldenCaseKind, _ name: String) -> URL {
        root.appendingPathComponent(kind.folder).appendingPathComponent(name)
    }

    /// The names of the case folders of `kind`, sorted; hidden folders (work in
    /// progress of an interrupted update) are skipped.
    public func caseNames(_ kind: GoldenCaseKind) -> [String] {
        let directory = root.appendingPathComponent(kind.folder)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return entries.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }

    /// Reads and validates `case.json` of a case.
    public func readCase(_ kind: GoldenCaseKind, _ name: String) throws -> GoldenCase {
        try GoldenFolder.readCase(at: folder(of: kind, name))
    }

    /// Reads and validates the `case.json` in `folder`.
    public static func readCase(at folder: URL) throws -> GoldenCase {
        let path = folder.appendingPathComponent("case.json").path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RefvisError("\(path): missing or unreadable")
        }
        let golden = try decodeJSON(GoldenCase.self, from: data, name: path, what: "golden case")
        guard golden.format == GoldenCase.currentFormat else {
            throw RefvisError("\(path): format '\(golden.format)', this refvis reads '\(GoldenCase.currentFormat)'")
        }
        var seen = Set<String>()
        for array in golden.allArrays {
            guard seen.insert(array.name).inserted else {
                throw RefvisError("\(path): array name '\(array.name)' appears twice")
            }
            try checkRelative(array.file, in: path)
            guard array.shape.allSatisfy({ $0 >= 0 }) else {
                throw RefvisError("\(path): array '\(array.name)' has a negative dimension \(formatShape(array.shape))")
            }
        }
        for file in (golden.files ?? [:]).values { try checkRelative(file, in: path) }
        if golden.kind == .op && golden.op == nil {
            throw RefvisError("\(path): an op case needs an 'op'")
        }
        return golden
    }

    /// Reads one array of a case and checks its shape against `case.json`.
    public static func readArray(_ array: GoldenArray, in folder: URL) throws -> Tensor {
        let path = folder.appendingPathComponent(array.file).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw RefvisError("\(path): missing")
        }
        let tensor = try NumPyFile.read(path: path)
        guard tensor.shape == array.shape else {
            throw RefvisError("\(path): shape \(formatShape(tensor.shape)), case.json says \(formatShape(array.shape))")
        }
        return tensor
    }

    /// File names stay inside the case folder: relative, no `..`.
    private static func checkRelative(_ file: String, in path: String) throws {
        let parts = file.split(separator: "/", omittingEmptySubsequences: false)
        guard !file.isEmpty, !file.hasPrefix("/"), !parts.contains(".."), !parts.contains("") else {
            throw RefvisError("\(path): file '\(file)' must be a relative path inside the case folder")
        }
    }
}
