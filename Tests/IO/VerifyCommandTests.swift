import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

/// `refvis verify`: the golden folder passes against itself; a nudged value,
/// float32 results judged as float64, and missing, truncated, mis-shaped or
/// malformed files fail with the case, the array, the file and the reason.
@Suite("refvis verify")
struct VerifyCommandTests {
    static let repository = GoldenFolder.repository

    /// An op case with a plain output to nudge: the first matmul case.
    static var opCase: String {
        let names = repository.caseNames(.op)
        return names.first { $0.hasPrefix("matmul-") } ?? names.first ?? "matmul"
    }

    /// A temporary golden folder holding copies of `cases`, and an actual
    /// folder holding each case's checked arrays (rounded to float32 when asked),
    /// as a backend would write them.
    struct Folders {
        let directory: TemporaryDirectory
        var golden: String { directory.path("golden") }
        var actual: String { directory.path("actual") }

        init(_ cases: [(GoldenCaseKind, String)], float32: Bool = false) throws {
            directory = try TemporaryDirectory()
            let manager = FileManager.default
            for (kind, name) in cases {
                let source = VerifyCommandTests.repository.folder(of: kind, name)
                let goldenCase = URL(fileURLWithPath: directory.path("golden/\(kind.folder)/\(name)"))
                try manager.createDirectory(at: goldenCase.deletingLastPathComponent(), withIntermediateDirectories: true)
                try manager.copyItem(at: source, to: goldenCase)
                let actualCase = URL(fileURLWithPath: directory.path("actual/\(kind.folder)/\(name)"))
                try manager.createDirectory(at: actualCase, withIntermediateDirectories: true)
                for array in try GoldenFolder.readCase(at: source).checkedArrays {
                    let tensor = try GoldenFolder.readArray(array, in: source)
                    let data = float32 ? VerifyCommandTests.float32NPY(tensor) : NumPyFile.encode(tensor)
                    try data.write(to: actualCase.appendingPathComponent(array.file))
                }
            }
        }

        func actualFile(_ kind: GoldenCaseKind, _ name: String, _ file: String) -> String {
            directory.path("actual/\(kind.folder)/\(name)/\(file)")
        }

        func verify(_ extra: [String] = []) throws -> CommandResult {
            try Refvis.run(["verify", "--golden", golden, "--actual", actual] + extra)
        }
    }

    /// A little-endian float32 `.npy` (version 1.0, C order), as NumPy writes one.
    static func float32NPY(_ tensor: Tensor) -> Data {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(formatShape(tensor.shape)), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]
        bytes += [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        bytes += Array(header.utf8)
        for value in tensor.scalars {
            let word = Float(value).bitPattern
            for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: word >> (8 * UInt32(i)))) }
        }
        return Data(bytes)
    }

    // MARK: passing

    @Test func goldenFolderPassesAgainstItself() throws {
        let result = try Refvis.run(["verify", "--actual", Self.repository.root.path])
        #expect(result.status == 0, "\(result.stdout.suffix(2000))\(result.stderr)")
        #expect(result.stdout.contains("pipelines/render-8-adam-bundled"))
        #expect(result.stdout.contains(" 0 failed"))
        // One line per passing case: no per-array rows.
        #expect(!result.stdout.contains("step_01_fourier_image"))
    }

    @Test func allRowsListsEveryArrayOfEveryCase() throws {
        let result = try Refvis.run(["verify", "--actual", Self.repository.root.path, "--only", "fourier-to-objective", "--all-rows"])
        #expect(result.status == 0, "\(result.stderr)")
        for array in ["step_01_fourier_image", "step_14_conv2", "output_objective", "gradient_spectrum", "gradient_image"] {
            #expect(result.stdout.contains(array), "\(array)")
        }
        #expect(result.stdout.contains("1 case: 1 passed, 0 failed"))
    }

    @Test func onlySelectsByGlob() throws {
        let result = try Refvis.run(["verify", "--actual", Self.repository.root.path, "--only", "pipelines/*"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("3 cases: 3 passed, 0 failed"))
        #expect(!result.stdout.contains("ops/"))
    }

    // MARK: failing

    @Test func nudgedOutputFailsAndNamesTheCaseAndArray() throws {
        let folders = try Folders([(.op, Self.opCase), (.pipeline, "fourier-to-objective")])
        let path = folders.actualFile(.op, Self.opCase, "output_output.npy")
        var output = try NumPyFile.read(path: path)
        output.scalars[0] += 1e-6
        try NumPyFile.write(output, to: path)

        let result = try folders.verify()
        #expect(result.status == 1)
        let failing = result.stdout.split(separator: "\n").filter { $0.contains("FAIL") }
        #expect(failing.count == 1, "\(result.stdout)")
        #expect(failing.first?.contains("ops/\(Self.opCase)") == true)
        #expect(failing.first?.contains("output_output") == true)
        #expect(result.stdout.contains("ops/\(Self.opCase): first disagreeing array: output_output"))
        #expect(result.stdout.contains("2 cases: 1 passed, 1 failed (1 of"))
        // The other case still passes, on one line.
        #expect(result.stdout.split(separator: "\n").contains { $0.contains("pipelines/fourier-to-objective") && $0.hasSuffix("pass") })
    }

    @Test func nudgedPipelineStepIsTheFirstDisagreeingStep() throws {
        let folders = try Folders([(.pipeline, "render-8-adam")])
        let path = folders.actualFile(.pipeline, "render-8-adam", "step_3_image.npy")
        var image = try NumPyFile.read(path: path)
        image.scalars[100] -= 1e-6
        try NumPyFile.write(image, to: path)

        let result = try folders.verify()
        #expect(result.status == 1)
        #expect(result.stdout.contains("pipelines/render-8-adam: first disagreeing step: step_3_image"), "\(result.stdout)")
        // Every array of the failing case gets a row, so the steps can be followed.
        for step in 1...8 { #expect(result.stdout.contains("step_\(step)_image")) }
        #expect(result.stdout.contains("worst at flat index 100"))
    }

    @Test func float32ResultsPassAsFloat32AndFailAsFloat64() throws {
        let folders = try Folders([(.op, Self.opCase), (.pipeline, "fourier-to-objective"), (.pipeline, "render-8-adam")],
                                  float32: true)
        let asFloat32 = try folders.verify(["--dtype", "float32"])
        #expect(asFloat32.status == 0, "\(asFloat32.stdout)")
        #expect(asFloat32.stdout.contains("verify float32: 3 cases: 3 passed, 0 failed"))

        let asFloat64 = try folders.verify(["--dtype", "float64"])
        #expect(asFloat64.status == 1)
        #expect(asFloat64.stdout.contains("pipelines/fourier-to-objective: first disagreeing step: step_01_fourier_image"),
                "\(asFloat64.stdout)")
    }

    @Test func brokenFilesAreFailuresWithTheFileAndReason() throws {
        let folders = try Folders([(.op, Self.opCase), (.pipeline, "fourier-to-objective"), (.pipeline, "render-8-adam")])
        let manager = FileManager.default
        // Missing.
        try manager.removeItem(atPath: folders.actualFile(.pipeline, "fourier-to-objective", "step_05_transform_2_lucent_jitter.npy"))
        // Truncated: the header and half the data.
        let truncated = folders.actualFile(.pipeline, "fourier-to-objective", "gradient_spectrum.npy")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: truncated))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        // Mis-shaped.
        try NumPyFile.write(Tensor(shape: [2], scalars: [1, 2]),
                            to: folders.actualFile(.pipeline, "fourier-to-objective", "output_objective.npy"))
        // Not a .npy file at all.
        try Data("hello".utf8).write(to: URL(fileURLWithPath: folders.actualFile(.pipeline, "fourier-to-objective", "gradient_image.npy")))
        // A malformed case.json in the golden folder.
        try Data("{\"format\": ".utf8).write(to: URL(fileURLWithPath: folders.directory.path("golden/pipelines/render-8-adam/case.json")))

        let result = try folders.verify()
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        func line(_ needle: String) -> String { lines.first { $0.contains(needle) } ?? "" }
        #expect(line("step_05_transform_2_lucent_jitter").contains("step_05_transform_2_lucent_jitter.npy: missing"))
        #expect(line("gradient_spectrum").contains("gradient_spectrum.npy: header says (1, 3, 24, 13, 2) float64 = 14976 bytes of data, file has"),
                "\(line("gradient_spectrum"))")
        #expect(line("output_objective").contains("shape (2,), expected ()"))
        #expect(line("gradient_image").contains("gradient_image.npy: not a .npy file"))
        #expect(line("pipelines/render-8-adam ").contains("case.json: not a valid golden case"), "\(result.stdout)")
        // The run went on: the intact op case passed, and the broken pipeline's other arrays were compared.
        #expect(line("ops/\(Self.opCase)").hasSuffix("pass"))
        #expect(line("step_04_transform_1_pad").contains("pass"))
        #expect(result.stdout.contains("pipelines/fourier-to-objective: first disagreeing step: step_05_transform_2_lucent_jitter"))
        #expect(result.stdout.contains("3 cases: 1 passed, 2 failed"))
    }

    @Test func nonFiniteValuesFail() throws {
        let folders = try Folders([(.pipeline, "render-8-adam")])
        let path = folders.actualFile(.pipeline, "render-8-adam", "output_losses.npy")
        var losses = try NumPyFile.read(path: path)
        losses.scalars[7] = .nan
        try NumPyFile.write(losses, to: path)
        let result = try folders.verify()
        #expect(result.status == 1)
        #expect(result.stdout.contains("every step agrees; first disagreeing array: output_losses"), "\(result.stdout)")
        #expect(result.stdout.contains("element 7 is nan"))
    }

    // MARK: usage

    @Test func usageErrorsExitWith2() throws {
        let folders = try Folders([(.pipeline, "render-8-adam")])
        let unknownDType = try folders.verify(["--dtype", "float16"])
        #expect(unknownDType.status == 2)
        #expect(unknownDType.stderr.contains("--dtype"))

        let noActual = try Refvis.run(["verify", "--golden", folders.golden])
        #expect(noActual.status == 2)
        #expect(noActual.stderr.contains("--actual"))

        let missingActual = try Refvis.run(["verify", "--golden", folders.golden, "--actual", folders.directory.path("nowhere")])
        #expect(missingActual.status == 2)
        #expect(missingActual.stderr.contains("nowhere"))

        let missingGolden = try Refvis.run(["verify", "--golden", folders.directory.path("nogolden"), "--actual", folders.actual])
        #expect(missingGolden.status == 2)

        let noMatch = try folders.verify(["--only", "no-such-case"])
        #expect(noMatch.status == 2)
        #expect(noMatch.stderr.contains("no-such-case"))
    }
}
