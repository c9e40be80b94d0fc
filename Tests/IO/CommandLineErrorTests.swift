import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

/// Bad input gets one line on stderr naming what is wrong, the documented exit
/// status (2 usage, 1 failure), and never a partial output file.
@Suite("Command-line errors")
struct CommandLineErrorTests {
    private func expectOneLineError(_ result: CommandResult, status: Int32, mentioning words: [String],
                                    sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == status, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "expected one line, got: \(result.stderr)", sourceLocation: sourceLocation)
        for word in words {
            #expect(result.stderr.contains(word), "'\(word)' missing from: \(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func helpListsTheCommands() throws {
        let result = try Refvis.run(["--help"])
        #expect(result.status == 0)
        for command in ["ops", "op", "gradcheck", "bench", "help"] { #expect(result.stdout.contains(command)) }
        let opHelp = try Refvis.run(["help", "op"])
        #expect(opHelp.status == 0)
        #expect(opHelp.stdout.contains("--cotangent"))
    }

    @Test func opsListsAttributesAndDefaults() throws {
        let result = try Refvis.run(["ops", "conv2d"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("conv2d(input, weight, [bias])"))
        #expect(result.stdout.contains("groups: int = 1"))
    }

    @Test func unknownCommandIsAUsageError() throws {
        expectOneLineError(try Refvis.run(["frobnicate"]), status: 2, mentioning: ["frobnicate"])
    }

    @Test func unknownOpIsAUsageError() throws {
        expectOneLineError(try Refvis.run(["op", "conv3d", "-o", "output=/tmp/x.npy"]), status: 2, mentioning: ["conv3d"])
    }

    @Test func unknownAttributeIsAUsageError() throws {
        let dir = try TemporaryDirectory()
        let result = try Refvis.run(["op", "relu", "-i", "input=" + dir.npy("x.npy", [2], [1, -1]),
                                     "-a", "inplace=true", "-o", "output=" + dir.path("y.npy")])
        expectOneLineError(result, status: 2, mentioning: ["inplace"])
        #expect(!FileManager.default.fileExists(atPath: dir.path("y.npy")))
    }

    @Test func attributeOfTheWrongTypeIsAUsageError() throws {
        let dir = try TemporaryDirectory()
        let result = try Refvis.run(["op", "max_pool2d", "-i", "input=" + dir.npy("x.npy", [1, 1, 2, 2], [1, 2, 3, 4]),
                                     "-a", "kernel_size=two", "-o", "output=" + dir.path("y.npy")])
        expectOneLineError(result, status: 2, mentioning: ["kernel_size"])
    }

    @Test func missingInputFileNamesTheFile() throws {
        let dir = try TemporaryDirectory()
        let result = try Refvis.run(["op", "relu", "-i", "input=" + dir.path("absent.npy"), "-o", "output=" + dir.path("y.npy")])
        expectOneLineError(result, status: 1, mentioning: ["absent.npy"])
        #expect(dir.contents.isEmpty)
    }

    @Test func truncatedInputFileNamesTheFile() throws {
        let dir = try TemporaryDirectory()
        let full = try dir.npy("full.npy", [4, 4], Array(repeating: 1, count: 16))
        let data = try Data(contentsOf: URL(fileURLWithPath: full))
        let truncated = dir.path("cut.npy")
        try data.prefix(data.count - 9).write(to: URL(fileURLWithPath: truncated))
        let result = try Refvis.run(["op", "relu", "-i", "input=" + truncated, "-o", "output=" + dir.path("y.npy")])
        expectOneLineError(result, status: 1, mentioning: ["cut.npy"])
        #expect(!FileManager.default.fileExists(atPath: dir.path("y.npy")))
    }

    @Test func wrongShapeIsReportedWithTheShape() throws {
        let dir = try TemporaryDirectory()
        let result = try Refvis.run(["op", "conv2d", "-i", "input=" + dir.npy("x.npy", [1, 2, 3, 3], Array(repeating: 1, count: 18)),
                                     "-i", "weight=" + dir.npy("w.npy", [1, 3, 2, 2], Array(repeating: 1, count: 12)),
                                     "-o", "output=" + dir.path("y.npy")])
        expectOneLineError(result, status: 1, mentioning: ["(1, 2, 3, 3)", "(1, 3, 2, 2)"])
        #expect(!FileManager.default.fileExists(atPath: dir.path("y.npy")))
    }

    @Test func missingInputIsAUsageError() throws {
        let dir = try TemporaryDirectory()
        expectOneLineError(try Refvis.run(["op", "add", "-i", "input=" + dir.npy("x.npy", [1], [1]), "-o", "output=" + dir.path("y.npy")]),
                           status: 2, mentioning: ["other"])
    }

    @Test func unwritableOutputLeavesNothingBehind() throws {
        let dir = try TemporaryDirectory()
        let result = try Refvis.run(["op", "relu", "-i", "input=" + dir.npy("x.npy", [2], [1, -1]),
                                     "-o", "output=" + dir.path("missing-folder/y.npy")])
        expectOneLineError(result, status: 1, mentioning: ["missing-folder"])
        #expect(dir.contents == ["x.npy"])
    }

    @Test func gradWithoutCotangentIsAUsageError() throws {
        let dir = try TemporaryDirectory()
        let result = try Refvis.run(["op", "relu", "-i", "input=" + dir.npy("x.npy", [2], [1, -1]),
                                     "--grad", "input=" + dir.path("dx.npy")])
        expectOneLineError(result, status: 2, mentioning: ["--cotangent"])
    }

    @Test func gradcheckOfOneOpPrintsATableAndPasses() throws {
        let result = try Refvis.run(["gradcheck", "tanh"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("max abs err"))
        #expect(result.stdout.contains("0 failed"))
    }

    @Test func gradcheckOfAnUnknownOpIsAUsageError() throws {
        expectOneLineError(try Refvis.run(["gradcheck", "nope"]), status: 2, mentioning: ["nope"])
    }

    @Test func badOptionValueIsAUsageError() throws {
        expectOneLineError(try Refvis.run(["bench", "--repetitions", "-3"]), status: 2, mentioning: ["--repetitions"])
    }
}
