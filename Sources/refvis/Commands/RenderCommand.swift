import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// `refvis render`: the main job — the image that excites a unit of a network.
enum RenderCommand: Command {
    static let spec = CommandSpec(
        name: "render", summary: "Render a feature visualization (the main job)",
        synopsis: "[--model NAME|FILE] [--objective EXPR] [--size N|H,W] [--steps N] [--out FILE.png] …",
        details: RenderHelp.details,
        options: [
            OptionSpec("recipe", value: "FILE.json", help: "start from a recipe file (options given override it)"),
            OptionSpec("print-recipe", help: "print the recipe as JSON and stop"),
            OptionSpec("model", value: "NAME|FILE", help: "a built-in model (refvis models) or a description file (default bundled)"),
            OptionSpec("weights", value: "FILE", help: "safetensors weights (the bundled model has its own)"),
            OptionSpec("objective", value: "EXPR", help: "what to maximize (default \(RenderRecipe.defaultObjective); functions below)"),
            OptionSpec("objective-border", value: "N", help: "the objective ignores N pixels at every edge of each map (seed 002: 2)"),
            OptionSpec("size", value: "N|H,W", help: "image size (default 128)"),
            OptionSpec("batch", value: "N", help: "images rendered together (default 1)"),
            OptionSpec("steps", value: "N", help: "optimization steps (default 512)"),
            OptionSpec("thresholds", value: "N,N,…", help: "steps after which the image is kept (default: the last)"),
            OptionSpec("start", value: "SPEC", help: "initial values (default parameterization; below), e.g. image:photo.jpg"),
            OptionSpec("init", value: "SPEC", help: "the same as --start (Lucid's and the issue tracker's name)"),
            OptionSpec("param", value: "SPEC", help: "image parameterization (default fft; below)"),
            OptionSpec("decorrelate", help: "decorrelate colours with Lucid's matrix (default for 3 channels)"),
            OptionSpec("no-decorrelate", help: "optimize the channels directly"),
            OptionSpec("squash", value: "sigmoid|tanh|none", help: "how values are kept valid (default sigmoid)"),
            OptionSpec("transforms", value: "LIST", help: "standard (default), lucid, none, or a comma list (below)"),
            OptionSpec("tile", value: "N", help: "the model sees the image in N×N tiles (MATLAB DeepDream's tiled gradient)"),
            OptionSpec("gradient", value: "LIST", help: "gradient processing before the update (below)"),
        ] + OptimizerOptions.specs + [
            OptionSpec("after-step", value: "LIST", help: "image operations after each update (below)"),
            OptionSpec("octaves", value: "COUNT:SCALE", help: "DeepDream's octaves: COUNT phases, each SCALE times larger"),
            OptionSpec("redirected-relu", value: "lucid|lucent", help: "let gradient through dead ReLUs (not a true gradient)"),
            OptionSpec("seed", value: "N", help: "seeds the initial image and every random choice (default 0)"),
            OptionSpec("trace", value: "FILE", help: "write every random choice as JSON"),
            OptionSpec("replay", value: "FILE", help: "take the random choices from a trace"),
            OptionSpec("out", short: "o", value: "FILE", help: "the image: .png, .ppm or .npy (default render.png)"),
            OptionSpec("contact-sheet", value: "FILE", help: "the kept images side by side (.png or .ppm)"),
            OptionSpec("loss-csv", value: "FILE", help: "step,loss for every step"),
            OptionSpec("checkpoint", value: "FILE", help: "write the whole state here (atomically) every --checkpoint-every steps"),
            OptionSpec("checkpoint-every", value: "N", help: "steps between checkpoints (default 50)"),
            OptionSpec("resume", value: "FILE", help: "continue the run in a checkpoint (its recipe; bitwise the uninterrupted run)"),
            OptionSpec("threads", value: "N", help: "worker threads; results are identical for any N"),
        ],
        positionals: 0...0)

    /// The options `--resume` accepts: where the results go, and how fast.
    static let resumeOptions: Set<String> = ["resume", "out", "contact-sheet", "loss-csv", "trace", "checkpoint",
                                             "checkpoint-every", "threads", "print-recipe"]

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        let recipe: RenderRecipe
        if let path = arguments.value("resume") {
            // Everything but the outputs describes the run, which the checkpoint fixes.
            let given = (Array(arguments.values.keys) + Array(arguments.flags)).filter { !resumeOptions.contains($0) }.sorted()
            if let first = given.first {
                throw RefvisError.usage("--resume takes the recipe from the checkpoint; --\(first) cannot change it")
            }
            recipe = try RenderCheckpoint.recipe(at: path)
        } else {
            recipe = try RenderSetup.recipe(from: arguments)
        }
        if arguments.flag("print-recipe") {
            print(String(decoding: try recipe.encoded(), as: UTF8.self))
            return 0
        }
        let outputs = try RenderOutputs(arguments)
        let engine = try RenderSetup.engine(recipe)
        let replay = try arguments.value("replay").map { try TransformTrace.read(path: $0) }
        let checkpointPath = arguments.value("checkpoint")
        let every = try arguments.int("checkpoint-every", default: 50, in: 1...100_000)
        if let checkpointPath { try RenderOutputs.checkWritable(checkpointPath, option: "checkpoint") }
        let start = try arguments.value("resume").map { try RenderCheckpoint.state(at: $0, engine: engine) }
            ?? engine.initialState(replay: replay)

        let meter = ProgressMeter(total: recipe.steps, from: start.step)
        let result: RenderResult
        do {
            result = try engine.run(from: start, replay: replay) { state in
                meter.update(step: state.step, loss: state.losses.last!)
                if let checkpointPath, state.step % every == 0 || state.step == recipe.steps {
                    try RenderCheckpoint.write(state, recipe: recipe, to: checkpointPath)
                }
            }
        } catch let stopped as RenderStopped {
            meter.finish()
            try RenderOutputs.writeImage(stopped.lastFiniteImage, to: outputs.image)
            throw RefvisError("\(stopped.description); the last finite image is in \(outputs.image)")
        }
        meter.finish()
        try outputs.write(result)
        let t = result.timings
        let share = { (x: Double) in t.total > 0 ? String(format: "%.0f%%", 100 * x / t.total) : "-" }
        printError(String(format: "rendered %d steps in %.1f s (parameterization %@, transforms %@, forward %@, backward %@, optimizer %@); final loss %@ → %@",
                          recipe.steps - start.step, t.total, share(t.parameterization), share(t.transforms), share(t.forward),
                          share(t.backward), share(t.optimizer), formatDouble(result.losses.last!), outputs.image))
        return 0
    }
}
