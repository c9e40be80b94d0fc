import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

@Suite("AtomicFile")
struct AtomicFileTests {
    @Test func writesANewFile() throws {
        let directory = try TemporaryDirectory(prefix: "refvis-io-test")
        let path = directory.path("out.bin")
        try AtomicFile.write(Data([1, 2, 3, 250]), to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data([1, 2, 3, 250]))
        #expect(try directory.listing() == ["out.bin"])
    }

    @Test func replacesAnExistingFileCompletely() throws {
        let directory = try TemporaryDirectory(prefix: "refvis-io-test")
        let path = directory.path("out.bin")
        try AtomicFile.write(Data(repeating: 7, count: 1000), to: path)
        try AtomicFile.write(Data([9]), to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data([9]))
        #expect(try directory.listing() == ["out.bin"])
    }

    @Test func writesAnEmptyFile() throws {
        let directory = try TemporaryDirectory(prefix: "refvis-io-test")
        let path = directory.path("empty")
        try AtomicFile.write(Data(), to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty)
    }

    @Test func keepsThePermissionsOfAReplacedFile() throws {
        let directory = try TemporaryDirectory(prefix: "refvis-io-test")
        let path = directory.path("private.bin")
        try AtomicFile.write(Data([1]), to: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try AtomicFile.write(Data([2]), to: path)
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    @Test func missingDirectoryThrowsAndCreatesNothing() throws {
        let directory = try TemporaryDirectory(prefix: "refvis-io-test")
        let path = directory.path("missing/out.bin")
        let error = try #require(throws: RefvisError.self) { try AtomicFile.write(Data([1]), to: path) }
        #expect(error.message.hasPrefix(path + ":"))
        #expect(error.message.contains("does not exist"))
        #expect(!error.message.contains("\n"))
        #expect(try directory.listing().isEmpty)
    }

    @Test func parentThatIsAFileThrows() throws {
        let directory = try TemporaryDirectory(prefix: "refvis-io-test")
        try AtomicFile.write(Data([1]), to: directory.path("plain"))
        let error = try #require(throws: RefvisError.self) {
            try AtomicFile.write(Data([1]), to: directory.path("plain/out.bin"))
        }
        #expect(error.message.contains("is not a directory"))
        #expect(try directory.listing() == ["plain"])
    }

    /// The temporary file is created and written, then the rename over a
    /// directory fails: the temporary file must be removed again.
    @Test func failedRenameLeavesNoTemporaryFile() throws {
        let directory = try TemporaryDirectory(prefix: "refvis-io-test")
        let target = directory.path("taken")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        #expect(FileManager.default.createFile(atPath: target + "/inside", contents: Data([5])))
        let error = try #require(throws: RefvisError.self) { try AtomicFile.write(Data([1, 2]), to: target) }
        #expect(error.message.hasPrefix(target + ": cannot write"))
        #expect(!error.message.contains("\n"))
        #expect(try directory.listing() == ["taken"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: target) == ["inside"])
    }

    @Test func emptyPathAndDirectoryPathThrow() throws {
        #expect(throws: RefvisError.self) { try AtomicFile.write(Data([1]), to: "") }
        let directory = try TemporaryDirectory(prefix: "refvis-io-test")
        #expect(throws: RefvisError.self) { try AtomicFile.write(Data([1]), to: directory.url.path + "/") }
        #expect(try directory.listing().isEmpty)
    }

    @Test func nameTooLongThrowsCleanly() throws {
        let directory = try TemporaryDirectory(prefix: "refvis-io-test")
        let path = directory.path(String(repeating: "n", count: 300))
        let error = try #require(throws: RefvisError.self) { try AtomicFile.write(Data([1]), to: path) }
        #expect(error.message.contains("cannot write"))
        #expect(try directory.listing().isEmpty)
    }
}
