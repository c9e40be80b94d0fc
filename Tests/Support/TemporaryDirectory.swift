import Foundation

/// A fresh directory under the system temporary directory, removed with
/// everything in it when the value is deinitialised. Each test makes its own,
/// so tests that write files can run in parallel.
public final class TemporaryDirectory {
    /// The directory itself.
    public let url: URL

    /// Creates `<temporary directory>/<prefix>-<UUID>`.
    public init(prefix: String = "refvis-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` (which may contain slashes) inside the directory.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// The names in the directory, in no particular order; empty if it cannot be read.
    public var contents: [String] { (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] }

    /// The names in the directory, sorted (hidden temporary files included);
    /// throws if it cannot be read.
    public func listing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
