import Foundation
import Testing
@testable import ReferenceCore
@testable import ReferenceIO
@testable import ReferenceVis
@testable import ReferenceGolden
@testable import ReferenceTestSupport

/// The pipeline golden cases: each committed case is what refvis computes
/// today from the case's committed inputs and files, its trace replays the
/// run exactly, and a case that cannot be rerun says why.
@Suite("Pipeline golden cases")
struct PipelineGoldenTests {
    static let repository = GoldenFolder.repository

    static func pipeline(_ name: String) throws -> any GoldenPipeline {
        try #require(GoldenPipelines.all.first { $0.name == name })
    }

    @Test("committed pipeline case matches", arguments: GoldenPipelines.all.map(\.name))
    func committedCaseMatches(_ name: String) throws {
        let folder = Self.repository.folder(of: .pipeline, name)
        let golden = try Self.repository.readCase(.pipeline, name)
        let recomputed = try Self.pipeline(name).recompute(golden, in: folder)
        #expect(Set(recomputed.keys) == Set(golden.checkedArrays.map(\.name)))
        for array in golden.checkedArrays {
            let expected = try GoldenFolder.readArray(array, in: folder)
            let actual = try #require(recomputed[array.name])
            let comparison = ArrayComparison.compare(array.name, actual: actual, expected: expected,
                                                     tolerance: golden.tolerance(for: array, dtype: .float64))
            #expect(comparison.passed, "\(name)/\(array.name): max abs error \(comparison.maxAbsError), ratio \(comparison.worstRatio) \(comparison.problem ?? "")")
        }
    }

    @Test func everyPipelineHasACommittedCase() {
        #expect(Set(Self.repository.caseNames(.pipeline)) == Set(GoldenPipelines.all.map(\.name)))
    }

    /// The stages the engine's evaluation shows one by one are exactly what
    /// building the same path by hand gives: toValidRGB, TransformPipeline.replay
    /// in one go, the model and the objective.
    @Test func fourierStagesAreTheReplayedPipeline() throws {
        let name = "fourier-to-objective"
        let folder = Self.repository.folder(of: .pipeline, name)
        let golden = try Self.repository.readCase(.pipeline, name)
        let spectrum = try PipelineCases.input("input_spectrum", of: golden, in: folder)
        let matrix = try PipelineCases.input("input_color_matrix", of: golden, in: folder)
        let trace = try PipelineCases.trace(of: golden, in: folder)
        let model = try PipelineCases.committedModel(golden, in: folder)
        let staged = try FourierToObjectivePipeline.run(spectrum: spectrum, colorMatrix: matrix, model: model, trace: trace)

        let tape = Tape()
        let raw = try FourierImage(shape: [1, 3, 24, 24]).image(on: tape, parameters: [tape.variable(spectrum)])
        let rgb = try toValidRGB(on: tape, raw, decorrelation: matrix)
        let transformed = try TransformSpec.pipeline(TransformSpec.parseList(FourierToObjectivePipeline.transforms, option: "transforms")).replay(rgb, on: tape, step: 1, from: trace)
        #expect(tape.value(rgb).scalars == staged.arrays["step_03_image"]?.scalars)
        #expect(tape.value(transformed).scalars == staged.arrays["step_08_transform_5_lucent_jitter"]?.scalars)
        let conv2 = try #require(model.run(transformed, on: tape, layers: ["conv2"])["conv2"])
        let channel = try ObjectiveParser.parse("conv2:3").evaluate(ObjectiveContext(
            tape: tape, layer: { _ in conv2 }, image: rgb, batchSize: 1))
        #expect(tape.value(channel).scalars == staged.arrays["output_objective"]?.scalars)
        // Every transform moved the image: the hand-picked choices are not identities.
        let names = staged.stepNames
        for (before, after) in zip(names[2..<7], names[3..<8]) {
            #expect(staged.arrays[before]?.scalars != staged.arrays[after]?.scalars, "\(after) equals \(before)")
        }
    }

    /// `render` drawing its own choices from the seed makes exactly the
    /// committed trace, and replaying that trace from the committed initial
    /// spectrum makes exactly the same images and losses.
    @Test func renderTraceReplaysTheDrawnRun() throws {
        let pipeline = RenderAdamPipeline.tiny
        let folder = Self.repository.folder(of: .pipeline, pipeline.name)
        let golden = try Self.repository.readCase(.pipeline, pipeline.name)
        let model = try PipelineCases.committedModel(golden, in: folder)
        let engine = try RenderEngine(recipe: pipeline.recipe(), model: model)
        let drawn = try engine.run(from: engine.initialState())
        let committedTrace = try PipelineCases.trace(of: golden, in: folder)
        #expect(drawn.trace.records == committedTrace.records)
        #expect(Set(committedTrace.records.map(\.step)) == Set(1...8))

        let replayed = try pipeline.recompute(golden, in: folder)
        #expect(replayed["output_losses"]?.scalars == drawn.losses)
        for (step, image) in drawn.snapshots {
            #expect(replayed[RenderAdamPipeline.stepName(step)]?.scalars == image.scalars, "step \(step)")
        }
        var rng = RandomGenerator(seed: pipeline.seed)
        let initial = try FourierImage(shape: [1, 3, 24, 24]).initialParameters(&rng)[0]
        #expect(try PipelineCases.input("input_initial_spectrum", of: golden, in: folder) == initial)
    }

    /// Regenerating the tiny-model cases changes no byte.
    @Test(arguments: ["fourier-to-objective", "render-8-adam"])
    func regeneratingChangesNothing(_ name: String) throws {
        let copy = try copyOfCase(name)
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        let made = try Self.pipeline(name).generate()
        let changes = try GoldenCaseWriter.write(made.golden, arrays: made.arrays, extraFiles: made.extraFiles, to: copy)
        #expect(changes.allSatisfy { $0.kind == .unchanged }, "\(changes.filter { $0.kind != .unchanged }.map(\.file))")
    }

    @Test func tamperedTraceIsRefusedWithTheFile() throws {
        let copy = try copyOfCase("render-8-adam")
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        let path = copy.appendingPathComponent("trace.json").path
        var trace = try TransformTrace.read(path: path)
        trace.records[2].choices["scale"] = 1.5
        try trace.write(to: path)
        let golden = try GoldenFolder.readCase(at: copy)
        #expect {
            try RenderAdamPipeline.tiny.recompute(golden, in: copy)
        } throws: { error in
            let message = (error as? RefvisError)?.message ?? ""
            return message.contains("trace.json") && message.contains("scale")
        }
    }

    @Test func bundledCaseRefusesOtherWeights() throws {
        let copy = try copyOfCase("render-8-adam-bundled")
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        var golden = try GoldenFolder.readCase(at: copy)
        golden.settings?["weights_sha256"] = String(repeating: "0", count: 64)
        #expect {
            try RenderAdamPipeline.bundled.recompute(golden, in: copy)
        } throws: { error in
            ((error as? RefvisError)?.message ?? "").contains("sha256")
        }
    }

    @Test func bundledCaseNamesTheCommittedWeights() throws {
        let golden = try Self.repository.readCase(.pipeline, "render-8-adam-bundled")
        let path = try RepositoryFixtures.path(BundledModel.weightsFile, what: "weights")
        #expect(golden.settings?["weights_sha256"] == (try SHA256.hex(ofFile: path)))
    }

    @Test func missingInputIsAnErrorNamingIt() throws {
        let copy = try copyOfCase("fourier-to-objective")
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        try FileManager.default.removeItem(at: copy.appendingPathComponent("weight_conv2.bias.npy"))
        let golden = try GoldenFolder.readCase(at: copy)
        #expect {
            try FourierToObjectivePipeline().recompute(golden, in: copy)
        } throws: { error in
            ((error as? RefvisError)?.message ?? "").contains("weight_conv2.bias.npy")
        }
    }

    /// FIPS 180-4's examples.
    @Test func sha256MatchesTheStandardsExamples() {
        #expect(SHA256.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Data(repeating: 0x61, count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    /// A copy of a committed case in a fresh temporary folder.
    func copyOfCase(_ name: String) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("refvis-pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let copy = root.appendingPathComponent(name)
        try FileManager.default.copyItem(at: Self.repository.folder(of: .pipeline, name), to: copy)
        return copy
    }
}
