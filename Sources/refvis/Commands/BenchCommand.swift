import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab

/// `refvis bench`: speed of the main kernels, median of several runs after warm-up.
enum BenchCommand: Command {
    static let spec = CommandSpec(
        name: "bench", summary: "Time the main kernels (ms and GFLOP/s, median after warm-up)",
        synopsis: "[--repetitions N] [--threads N] [--render [--steps N]]",
        details: "Speed is measured here, never in tests. Build with -c release for meaningful numbers.",
        options: [
            OptionSpec("repetitions", value: "N", help: "timed runs per kernel (default 7)"),
            OptionSpec("threads", value: "N", help: "worker threads (default: all cores); results are identical for any N"),
            OptionSpec("render", help: "time the default 'refvis render' once instead: wall time and each stage's share"),
            OptionSpec("steps", value: "N", help: "with --render: steps instead of the default 512"),
        ],
        positionals: 0...0)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        let repetitions = try arguments.int("repetitions", default: 7, in: 1...1000)
        #if DEBUG
        printError("note: this is a debug build; use 'swift build -c release' for meaningful numbers")
        #endif
        if arguments.flag("render") {
            let steps = try arguments.value("steps").map { _ in try arguments.int("steps", default: 512, in: 1...100_000) }
            return try renderBenchmark(steps: steps)
        }
        print("threads: \(Parallel.threads), repetitions: \(repetitions) (median after 2 warm-up runs)")
        let results = Benchmarks.run(repetitions: repetitions, warmup: 2)
        let rows = results.map { result in
            [result.name, String(format: "%.2f", result.milliseconds), result.gflops.map { String(format: "%.2f", $0) } ?? "-"]
        }
        print(formatTable(["kernel", "ms", "GFLOP/s"], rows))
        return 0
    }

    /// `refvis bench --render`: the default render's wall time and stage shares.
    static func renderBenchmark(steps: Int?) throws -> Int32 {
        var recipe = RenderRecipe()
        if let steps { recipe.thresholds = [steps] }
        let result = try Benchmarks.render(recipe)
        let total = result.timings.total
        print("refvis render (defaults\(steps.map { ", --steps \($0)" } ?? "")): \(result.size) px, \(result.steps) steps, threads \(Parallel.threads)")
        print(String(format: "wall time %.1f s (%.1f ms per step; the loop's stages account for %.1f s)",
                     result.wallSeconds, 1000 * result.wallSeconds / Double(result.steps), total))
        let rows = result.stages.map { stage -> [String] in
            let perStep = 1000 * stage.seconds / Double(result.steps)
            let share = total > 0 ? 100 * stage.seconds / total : 0
            return [stage.name, String(format: "%.2f", stage.seconds), String(format: "%.1f", perStep), String(format: "%.1f%%", share)]
        }
        print(formatTable(["stage", "seconds", "ms/step", "share"], rows))
        return 0
    }
}
