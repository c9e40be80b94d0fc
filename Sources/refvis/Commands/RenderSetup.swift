import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// Turns `refvis render`'s options into a `RenderRecipe` — the one place
/// the command line meets the recipe — and the recipe into a checked engine.
enum RenderSetup {
    /// The recipe the options describe: `--recipe FILE`'s (or the defaults),
    /// with every option given on top.
    static func recipe(from arguments: ParsedArguments) throws -> RenderRecipe {
        var recipe = RenderRecipe()
        if let path = arguments.value("recipe") {
            recipe = try RenderRecipe.decode(try FileBytes.read(path), name: path)
        }
        if let model = arguments.value("model") { recipe.model = model }
        if let weights = arguments.value("weights") { recipe.weights = weights }
        if let objective = arguments.value("objective") { recipe.objective = objective }
        recipe.objectiveBorder = try arguments.int("objective-border", default: recipe.objectiveBorder, in: 0...1024)
        if let size = arguments.value("size") { (recipe.height, recipe.width) = try imageSize(size) }
        recipe.batch = try arguments.int("batch", default: recipe.batch, in: 1...64)
        recipe.thresholds = try thresholds(arguments, current: recipe.thresholds)
        if arguments.value("start") != nil && arguments.value("init") != nil {
            throw RefvisError.usage("--start and --init name the same thing; give one")
        }
        if let text = arguments.value("start") { recipe.start = try StartSpec(parsing: text, option: "--start") }
        if let text = arguments.value("init") { recipe.start = try StartSpec(parsing: text, option: "--init") }
        if let text = arguments.value("param") { recipe.parameterization = try ParameterizationSpec(parsing: text, option: "--param") }
        if arguments.flag("decorrelate") && arguments.flag("no-decorrelate") {
            throw RefvisError.usage("--decorrelate and --no-decorrelate contradict each other")
        }
        if arguments.flag("decorrelate") { recipe.decorrelate = true }
        if arguments.flag("no-decorrelate") { recipe.decorrelate = false }
        if let text = arguments.value("squash") { recipe.squash = try SquashSpec(parsing: text, option: "--squash") }
        if let text = arguments.value("transforms") {
            recipe.transforms = text == "none" ? [] : try TransformSpec.parseList(text, option: "--transforms")
        }
        if let text = arguments.value("redirected-relu") {
            guard let kind = RedirectedReluKind(rawValue: text) else { throw RefvisError.usage("--redirected-relu: expected lucid or lucent, got '\(text)'") }
            recipe.redirectedRelu = kind
        }
        if arguments.value("tile") != nil { recipe.tile = try arguments.int("tile", default: 0, in: 1...4096) }
        if let text = arguments.value("gradient") {
            recipe.gradient = text == "none" ? [] : try GradientProcessing.parseList(text, option: "--gradient")
        }
        recipe.optimizer = try OptimizerOptions.settings(arguments, current: recipe.optimizer)
        if let text = arguments.value("after-step") {
            recipe.afterStep = text == "none" ? [] : try AfterStepOperation.parseList(text, option: "--after-step")
        }
        if let text = arguments.value("octaves") { recipe.octaves = try OctaveSchedule(parsing: "octaves:" + text, option: "--octaves") }
        if let text = arguments.value("seed") {
            guard let seed = UInt64(text) else { throw RefvisError.usage("--seed: expected a non-negative integer, got '\(text)'") }
            recipe.seed = seed
        }
        return recipe
    }

    /// `N` or `H,W`.
    static func imageSize(_ text: String) throws -> (Int, Int) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0 != nil && (1...4096).contains($0!) }) else {
            throw RefvisError.usage("--size: expected N or H,W with each in 1…4096, got '\(text)'")
        }
        return (parts[0]!, parts.last!!)
    }

    /// `--steps` and `--thresholds`: the run lasts `--steps` (or the largest
    /// threshold); the image is kept after each threshold and the last step.
    /// A threshold beyond `--steps` is an error, never a silently shorter run.
    static func thresholds(_ arguments: ParsedArguments, current: [Int]) throws -> [Int] {
        var list: [Int]?
        if let text = arguments.value("thresholds") {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0! >= 1 && $0! <= 100_000 }) else {
                throw RefvisError.usage("--thresholds: expected step numbers like 16,64,256, got '\(text)'")
            }
            list = parts.map { $0! }
        }
        guard arguments.value("steps") != nil else { return (list ?? current).sorted() }
        let steps = try arguments.int("steps", default: 1, in: 1...100_000)
        if let beyond = list?.first(where: { $0 > steps }) {
            throw RefvisError.usage("--thresholds: step \(beyond) is beyond --steps \(steps)")
        }
        return Array(Set((list ?? []) + [steps])).sorted()
    }

    /// The model the recipe names, and the engine for it.
    static func engine(_ recipe: RenderRecipe) throws -> RenderEngine {
        let model = try ModelLoader.load(recipe.model, weightsPath: recipe.weights)
        return try RenderEngine(recipe: recipe, model: model)
    }
}
