import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab

/// Turns `refvis render`'s options into `RenderSettings`, checking everything
/// that can be checked before the long computation starts: the model and its
/// weights, the objective's layers and channels, the size, the optimizer.
enum RenderSetup {
    static func settings(from arguments: ParsedArguments) throws -> RenderSettings {
        let defaults = RenderRecipe(objective: .constant(0))
        let modelName = arguments.value("model") ?? "bundled"
        let model = try ModelLoader.load(modelName, weightsPath: arguments.value("weights"))
        let size = try arguments.int("size", default: defaults.size, in: 1...4096)
        let batch = try arguments.int("batch", default: 1, in: 1...64)
        // One 4096×4096 image is the most refvis renders at once: activations,
        // tape and optimizer state grow with batch·size², and beyond this
        // budget they exceed the memory of an ordinary machine.
        let pixelBudget = 4096 * 4096
        guard batch * size * size <= pixelBudget else {
            throw RefvisError.usage("--batch \(batch) × --size \(size)²: \(batch * size * size) pixels, more than the \(pixelBudget) (one 4096×4096 image) refvis renders at once")
        }
        guard size >= model.description.input.minimumSize else {
            throw RefvisError.usage("--size: \(size) is smaller than model '\(model.description.name)' accepts (at least \(model.description.input.minimumSize))")
        }
        let thresholds: [Int]
        if let text = arguments.value("thresholds") {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0! >= 1 && $0! <= 100_000 }) else {
                throw RefvisError.usage("--thresholds: expected step numbers like 16,64,256, got '\(text)'")
            }
            thresholds = parts.map { $0! }.sorted()
        } else {
            thresholds = [try arguments.int("steps", default: defaults.thresholds.max()!, in: 1...100_000)]
        }

        let objective = try ObjectiveParser.parse(arguments.value("objective") ?? RenderRecipe.defaultObjective)
        try validate(objective, model: model, size: size, batch: batch)

        var recipe = RenderRecipe(objective: objective)
        recipe.size = size
        recipe.batch = batch
        recipe.thresholds = thresholds
        let param = arguments.value("param") ?? defaults.parameterization.rawValue
        guard let kind = ParameterizationKind(rawValue: param) else {
            throw RefvisError.usage("--param: unknown parameterization '\(param)' (pixel, fft, lowres, laplacian)")
        }
        recipe.parameterization = kind
        if arguments.flag("decorrelate") && arguments.flag("no-decorrelate") {
            throw RefvisError.usage("--decorrelate and --no-decorrelate contradict each other")
        }
        recipe.decorrelate = !arguments.flag("no-decorrelate")

        if let text = arguments.value("lr") {
            guard let value = Double(text), value.isFinite, value > 0 else { throw RefvisError.usage("--lr: expected a positive number, got '\(text)'") }
            recipe.learningRate = value
        }
        recipe.optimizer = arguments.value("optimizer") ?? recipe.optimizer
        _ = try makeOptimizer(name: recipe.optimizer, learningRate: recipe.learningRate)

        if let text = arguments.value("redirected-relu") {
            guard let kind = RedirectedReluKind(rawValue: text) else { throw RefvisError.usage("--redirected-relu: expected lucid or lucent, got '\(text)'") }
            recipe.redirectedRelu = kind
        }
        guard let seed = UInt64(arguments.value("seed") ?? "0") else {
            throw RefvisError.usage("--seed: expected a non-negative integer, got '\(arguments.value("seed")!)'")
        }
        recipe.seed = seed
        recipe.transforms = arguments.value("transforms") ?? recipe.transforms
        let replay = try arguments.value("replay").map { try TransformTrace.read(path: $0) }
        return try recipe.settings(model: model, replay: replay)
    }

    /// Checks the objective's layers exist and its channels are in range, by
    /// running the model once on a grey image of the render size.
    static func validate(_ objective: Objective, model: Model, size: Int, batch: Int) throws {
        let logits = model.description.logits
        let layers = try objective.requiredLayers(logitsLayer: logits)
        for layer in layers { _ = try model.resolveLayer(layer) }
        let activations = try model.activations(Tensor(repeating: 0.5, shape: [1, 3, size, size]), layers: layers)
        try objective.validate(batchSize: batch, logitsLayer: logits) { layer in
            activations[layer].map { $0.rank >= 2 ? $0.shape[1] : 1 }
        }
    }
}

/// A progress line on stderr, rewritten in place, only when stderr is a terminal.
final class ProgressMeter {
    private let total: Int
    private let start = Date()
    private let enabled = isatty(2) != 0
    private var lastDraw = Date.distantPast

    init(total: Int) { self.total = total }

    func update(step: Int, loss: Double) {
        guard enabled else { return }
        let now = Date()
        guard step == total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let rate = Double(step) / max(elapsed, 1e-9)
        let left = Double(total - step) / max(rate, 1e-9)
        let line = String(format: "\rstep %d/%d  loss %.5g  %.1f steps/s  %.0f s left ", step, total, loss, rate, left)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
