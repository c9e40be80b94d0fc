import Dispatch
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// The main job timed end to end: `refvis render` with no arguments (the
/// bundled model, 128 px, Fourier image, decorrelated colour, standard
/// transforms, Adam 0.05, 512 steps, seed 0), once — a run is long enough
/// that one measurement is meaningful, and it is deterministic, so every run
/// does the same arithmetic.
public struct RenderBenchmarkResult: Sendable {
    public let size: Int
    public let steps: Int
    /// Wall-clock seconds from loading the model to the last step.
    public let wallSeconds: Double
    /// Seconds per stage, summed over the steps (`RenderResult.timings`).
    public let timings: RenderTimings

    /// (stage, seconds) in loop order.
    public var stages: [(name: String, seconds: Double)] {
        [("parameterization", timings.parameterization), ("transforms", timings.transforms),
         ("forward", timings.forward), ("backward", timings.backward), ("optimizer", timings.optimizer)]
    }
}

extension Benchmarks {
    /// Runs `recipe` (by default `refvis render`'s) on the bundled model and times it.
    public static func render(_ recipe: RenderRecipe? = nil) throws -> RenderBenchmarkResult {
        let start = DispatchTime.now().uptimeNanoseconds
        let recipe = recipe ?? RenderRecipe()
        let engine = try RenderEngine(recipe: recipe, model: try BundledModel.load())
        let result = try engine.run(from: try engine.initialState())
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return RenderBenchmarkResult(size: recipe.height, steps: recipe.thresholds.max() ?? 0, wallSeconds: wall,
                                     timings: result.timings)
    }
}
