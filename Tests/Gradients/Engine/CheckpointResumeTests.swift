import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceTestSupport

/// A run stopped at a checkpoint and resumed ends bitwise where the
/// uninterrupted run ends: parameters, losses, snapshots and trace.
@Suite("Engine: checkpoint and resume")
struct CheckpointResumeTests {
    /// Runs `recipe` whole, and again stopped after `stop` steps (its state
    /// written to a checkpoint file and read back) then resumed.
    func expectResumeIsUninterrupted(_ recipe: RenderRecipe, model: Model, stop: Int,
                                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        let engine = try RenderEngine(recipe: recipe, model: model)
        let whole = try engine.run(from: try engine.initialState())

        let dir = try TemporaryDirectory()
        let path = dir.path("run.checkpoint")
        struct Stop: Error {}
        do {
            _ = try engine.run(from: try engine.initialState()) { state in
                if state.step == stop {
                    try RenderCheckpoint.write(state, recipe: recipe, to: path)
                    throw Stop()
                }
            }
        } catch is Stop {}
        #expect(try RenderCheckpoint.recipe(at: path) == recipe, sourceLocation: sourceLocation)
        let resumedEngine = try RenderEngine(recipe: try RenderCheckpoint.recipe(at: path), model: model)
        let state = try RenderCheckpoint.state(at: path, engine: resumedEngine)
        #expect(state.step == stop, sourceLocation: sourceLocation)
        let resumed = try resumedEngine.run(from: state)

        #expect(sameBits(resumed.losses, whole.losses), sourceLocation: sourceLocation)
        #expect(resumed.snapshots.map(\.step) == whole.snapshots.map(\.step), sourceLocation: sourceLocation)
        for (a, b) in zip(resumed.snapshots, whole.snapshots) {
            #expect(sameBits(a.image, b.image), "snapshot at step \(a.step)", sourceLocation: sourceLocation)
        }
        for (a, b) in zip(resumed.state.parameters, whole.state.parameters) {
            #expect(sameBits(a, b), sourceLocation: sourceLocation)
        }
        #expect(resumed.trace.records == whole.trace.records, sourceLocation: sourceLocation)
        #expect(resumed.state.rng == whole.state.rng, sourceLocation: sourceLocation)
    }

    @Test func defaultRenderResumesInTheMiddle() throws {
        var recipe = RenderRecipe()
        (recipe.height, recipe.width) = (32, 32)
        recipe.thresholds = [2, 4, 6]
        try expectResumeIsUninterrupted(recipe, model: try BundledModel.load(), stop: 3)
    }

    @Test func lbfgsWithLineSearchResumes() throws {
        var recipe = EngineFixtures.recipe(steps: 5)
        recipe.transforms = try TransformSpec.parseList("jitter:2")
        recipe.optimizer = OptimizerSettings(kind: .lbfgsStrongWolfe, lr: 0.5)
        try expectResumeIsUninterrupted(recipe, model: try EngineFixtures.tinyModel(channels: 3), stop: 2)
    }

    /// Pixel-space stages across an octave boundary: the resumed run resizes
    /// and restarts the optimizer where the uninterrupted one did.
    @Test func pixelAscentResumesAcrossAnOctave() throws {
        var recipe = EngineFixtures.pixelRecipe(height: 16, width: 16, steps: 6)
        recipe.octaves = OctaveSchedule(count: 2, scale: 2)
        recipe.gradient = [.std]
        recipe.afterStep = [.clip(low: 0, high: 1), .blur(every: 2, sigma: 0.5)]
        recipe.thresholds = [2, 6]
        for stop in [2, 3, 4] {
            try expectResumeIsUninterrupted(recipe, model: try EngineFixtures.tinyModel(channels: 1), stop: stop)
        }
    }

    /// A snapshot whose shape is not an image of the run is refused when the
    /// checkpoint is read, before a contact sheet could index it.
    @Test func aSnapshotOfTheWrongShapeIsRefused() throws {
        var recipe = EngineFixtures.recipe(steps: 2)
        recipe.thresholds = [1, 2]
        let engine = try RenderEngine(recipe: recipe, model: try EngineFixtures.tinyModel(channels: 1))
        let dir = try TemporaryDirectory()
        let path = dir.path("run.checkpoint")
        _ = try engine.run(from: try engine.initialState()) { state in
            if state.step == 1 { try RenderCheckpoint.write(state, recipe: recipe, to: path) }
        }
        var file = try SafeTensorsFile.read(path: path)
        #expect(try RenderCheckpoint.state(at: path, engine: engine).snapshots.count == 1)
        file.tensors["snapshot.0"] = Tensor.zeros([2])
        try file.write(to: path, dtype: .f64)
        expectError(["run.checkpoint", "snapshot.0", "not an image of this run"]) {
            _ = try RenderCheckpoint.state(at: path, engine: engine)
        }
    }

    @Test func aFileThatIsNotACheckpointIsRefused() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("weights.safetensors")
        try SafeTensorsFile(tensors: ["x": Tensor(scalar: 1)]).write(to: path, dtype: .f64)
        expectError(["weights.safetensors", "not a refvis checkpoint"]) { _ = try RenderCheckpoint.recipe(at: path) }
    }
}
