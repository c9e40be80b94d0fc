import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

/// Runs the built `refvis` executable as a user would, capturing its output.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum Refvis {
    /// The `refvis` binary built next to this test bundle.
    static let executable: URL = {
        let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        // The test runner lives in <products>/refvisPackageTests.xctest[/…]; refvis in <products>.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("refvis")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "refvis")
    }()

    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:], directory: URL? = nil) throws -> CommandResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting, stderr on another thread, so that a
        // full pipe on either side cannot block the child.
        nonisolated(unsafe) var errData = Data()
        let stderrRead = DispatchGroup()
        DispatchQueue.global().async(group: stderrRead) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        stderrRead.wait()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus,
                             stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
    }
}

extension TemporaryDirectory {
    /// Writes a tensor as .npy in the directory and returns its path.
    func npy(_ name: String, _ shape: [Int], _ scalars: [Double]) throws -> String {
        let path = self.path(name)
        try NumPyFile.write(Tensor(shape: shape, scalars: scalars), to: path)
        return path
    }
}
