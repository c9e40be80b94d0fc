import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab

/// `refvis evidence`: the experiments that show the render loop works, at
/// documentation scale, printed as Markdown tables (the numbers in
/// Docs/feature-visualization.md). The experiments themselves live in the
/// library (Sources/Reference/Analysis), where the evidence tests run them small.
enum EvidenceCommand: Command {
    static let parts = ["matched", "classes", "spectra"]

    static let spec = CommandSpec(
        name: "evidence", summary: "Run the evidence experiments and print their tables (Markdown)",
        synopsis: "[--images DIR] [--only matched,classes,spectra] [--size N] [--steps N] …",
        details: """
        matched: a single linear 3×k×k convolution unit; its centre neuron maximized over a pixel
        image under a squared L2 penalty; the Pearson correlation of the result with the filter.
        classes: each class logit of the bundled model rendered as 'refvis render' does; the model's
        probability for the class on the rendered image (no transforms), and for the stripe classes
        the dominant orientation of the image's power spectrum against the class's.
        spectra: the default objective rendered with the regularizers added one by one, and the
        high-frequency energy fraction (power above 1/4 cycle per pixel) of each image.
        With --images DIR it writes progression-STAGE.png and classes.png there.
        Build with -c release: the defaults take several minutes.
        """,
        options: [
            OptionSpec("only", value: "LIST", help: "a comma list of matched, classes, spectra (default all)"),
            OptionSpec("size", value: "N", help: "image size of the regularizer renders (default 128)"),
            OptionSpec("steps", value: "N", help: "steps of the regularizer renders (default 512)"),
            OptionSpec("class-size", value: "N", help: "image size of the class renders (default 64)"),
            OptionSpec("class-steps", value: "N", help: "steps of the class renders (default 256)"),
            OptionSpec("class-transforms", value: "LIST", help: "transforms of the class renders (default standard)"),
            OptionSpec("classes", value: "N,N,…", help: "render only these class labels (default all)"),
            OptionSpec("filter-size", value: "N", help: "image size of the matched filter (default 32)"),
            OptionSpec("filter-kernel", value: "N", help: "filter size of the matched filter (default 7)"),
            OptionSpec("filter-steps", value: "N", help: "steps of the matched filter (default 512)"),
            OptionSpec("seed", value: "N", help: "seeds every render (default 0)"),
            OptionSpec("images", value: "DIR", help: "write the progression and class renders as PNGs"),
            OptionSpec("threads", value: "N", help: "worker threads; results are identical for any N"),
        ],
        positionals: 0...0)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        let only = arguments.value("only").map { $0.split(separator: ",").map(String.init) } ?? parts
        for part in only where !parts.contains(part) {
            throw RefvisError.usage("--only: unknown part '\(part)' (\(parts.joined(separator: ", ")))")
        }
        let size = try arguments.int("size", default: 128, in: 8...1024)
        let steps = try arguments.int("steps", default: 512, in: 1...100_000)
        let classSize = try arguments.int("class-size", default: 64, in: 8...1024)
        let classSteps = try arguments.int("class-steps", default: 256, in: 1...100_000)
        var matched = MatchedFilterExperiment()
        matched.imageSize = try arguments.int("filter-size", default: 32, in: 1...512)
        matched.kernelSize = try arguments.int("filter-kernel", default: 7, in: 1...64)
        matched.steps = try arguments.int("filter-steps", default: 512, in: 1...100_000)
        guard let seed = UInt64(arguments.value("seed") ?? "0") else {
            throw RefvisError.usage("--seed: expected a non-negative integer, got '\(arguments.value("seed")!)'")
        }
        matched.seed = seed
        var labels = Array(0..<ProceduralPatterns.classCount)
        if let text = arguments.value("classes") {
            let parsed = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parsed.isEmpty, parsed.allSatisfy({ $0 != nil && labels.contains($0!) }) else {
                throw RefvisError.usage("--classes: expected labels in 0...\(labels.count - 1) like 0,5, got '\(text)'")
            }
            labels = parsed.map { $0! }
        }
        let classTransforms = try TransformSpec.parseList(arguments.value("class-transforms") ?? "standard", option: "--class-transforms")
        _ = try matched.model()
        let images = arguments.value("images")
        if let images {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: images, isDirectory: &isDirectory), isDirectory.boolValue,
                  FileManager.default.isWritableFile(atPath: images) else {
                throw RefvisError("--images: '\(images)' is not a writable folder")
            }
        }
        #if DEBUG
        printError("note: this is a debug build; the defaults take a long time (use 'swift build -c release')")
        #endif
        let model = try BundledModel.load()

        if only.contains("matched") { try matchedFilter(matched) }
        if only.contains("classes") {
            var classExperiment = ClassLogitExperiment(size: classSize, steps: classSteps, seed: seed)
            classExperiment.recipe.transforms = classTransforms
            try classes(classExperiment, labels: labels, model: model, images: images)
        }
        if only.contains("spectra") {
            var recipe = RenderRecipe()
            (recipe.height, recipe.width) = (size, size)
            // Snapshots at 1/16 and 1/4 of the run as well: the regularizers matter most early.
            recipe.thresholds = Array(Set([max(1, steps / 16), max(1, steps / 4), steps])).sorted()
            recipe.seed = seed
            try spectra(recipe, model: model, images: images)
        }
        return 0
    }

    static func matchedFilter(_ experiment: MatchedFilterExperiment) throws {
        let start = Date()
        let meter = ProgressMeter(total: experiment.steps)
        let outcome = try experiment.run { meter.update(step: $0, loss: $1) }
        meter.finish()
        print("## Matched filter\n")
        print("One linear conv2d unit (3×\(experiment.kernelSize)×\(experiment.kernelSize) filter, N(0, 1), seed \(experiment.filterSeed)) on a \(experiment.imageSize)×\(experiment.imageSize) pixel image;")
        print("objective neuron(unit, 0) − \(format(experiment.penaltyWeight, 1))·deepdream(input); Adam lr \(formatDouble(experiment.learningRate)), \(experiment.steps) steps, seed \(experiment.seed).\n")
        print(markdownTable(["Pearson r (patch, filter)", "1 − r", "largest deviation from grey in the field", "outside / inside", "seconds"],
                            [[format(outcome.correlation, 6), String(format: "%.1e", 1 - outcome.correlation), format(outcome.largestDeviation, 3),
                              format(outcome.outsideShare, 4), format(Date().timeIntervalSince(start), 1)]]))
        print()
    }

    static func classes(_ experiment: ClassLogitExperiment, labels: [Int], model: Model, images: String?) throws {
        let recipe = experiment.recipe
        var rows = [[String]](), renders = [Tensor]()
        let start = Date()
        for label in labels {
            let meter = ProgressMeter(total: recipe.thresholds.max()!)
            let outcome = try experiment.run(label: label, model: model) { meter.update(step: $0, loss: $1) }
            meter.finish()
            renders.append(outcome.image)
            let classes = model.description.classes!
            rows.append([outcome.className, format(outcome.probability, 4), classes[outcome.predicted],
                         format(outcome.orientation.orientationDegrees, 1) + "°", format(outcome.orientation.coherence, 2),
                         outcome.expectedOrientation.map { format($0, 0) + "°" } ?? "–",
                         outcome.orientationError.map { format($0, 1) + "°" } ?? "–",
                         format(1 / outcome.spectrum.frequency, 2)])
        }
        print("## Class logits of the bundled model\n")
        print("`refvis render --objective \"class_logit(C)\" --size \(recipe.height) --steps \(recipe.thresholds.max()!) --seed \(recipe.seed)` for each class C;")
        print("probabilities are softmax(logits) of the rendered image without transforms; orientation is the power-weighted mean orientation of its spectrum at periods ≤ 16 px (coherence 1: one orientation only), the period is the spectrum's peak (\(format(Date().timeIntervalSince(start), 0)) s).\n")
        print(markdownTable(["class", "P(class)", "model's pick", "orientation", "coherence", "class orientation", "difference", "period (px)"], rows))
        print()
        if let images {
            let batch = Tensor(shape: [renders.count] + Array(renders[0].shape.dropFirst()), scalars: renders.flatMap(\.scalars))
            try PNG.write(ContactSheet.make([batch]), to: (images as NSString).appendingPathComponent("classes.png"))
        }
    }

    static func spectra(_ recipe: RenderRecipe, model: Model, images: String?) throws {
        var rows = [[String]]()
        var pixelFraction: Double?
        let steps = recipe.thresholds
        for stage in RegularizerStage.allCases {
            let start = Date()
            let meter = ProgressMeter(total: steps.max()!)
            let outcome = try renderStage(stage, recipe: recipe, model: model) { meter.update(step: $0, loss: $1) }
            meter.finish()
            if stage == .pixel { pixelFraction = outcome.highFrequencyFraction }
            rows.append([stage.rawValue, "`\(stage.renderOptions)`"] + outcome.fractions.map { format($0.fraction, 3) }
                        + [pixelFraction.map { format(outcome.highFrequencyFraction / $0, 2) } ?? "–",
                           format(outcome.finalObjective, 1), format(Date().timeIntervalSince(start), 1)])
            if let images, RegularizerStage.progression.contains(stage) {
                let name = "progression-\(stage.rawValue.replacingOccurrences(of: "+", with: "-")).png"
                try PNG.write(outcome.image, to: (images as NSString).appendingPathComponent(name))
            }
        }
        print("## High-frequency energy\n")
        print("`refvis render --objective \(RenderRecipe.defaultObjective) --size \(recipe.height) --thresholds \(steps.map(String.init).joined(separator: ",")) --seed \(recipe.seed)` with each stage's options;")
        print("HF = share of the mean-free power spectrum above \(formatDouble(defaultHighFrequencyCutoff)) cycle per pixel after each threshold step; ÷ pixel compares the final images; objective = −loss of the last step.\n")
        print(markdownTable(["stage", "options"] + steps.map { "HF, step \($0)" } + ["÷ pixel", "final objective", "seconds"], rows))
        print()
    }

    static func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    static func markdownTable(_ header: [String], _ rows: [[String]]) -> String {
        ([header, header.map { _ in "---" }] + rows).map { "| " + $0.joined(separator: " | ") + " |" }.joined(separator: "\n")
    }
}
