import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab

/// `refvis render`: the main job — the image that excites a unit of a network.
enum RenderCommand: Command {
    static let defaultObjective = RenderRecipe.defaultObjective

    static let spec = CommandSpec(
        name: "render", summary: "Render a feature visualization (the main job)",
        synopsis: "[--model NAME|FILE] [--objective EXPR] [--size N] [--steps N] [--out FILE.png] …",
        details: """
        With no options it renders channel 0 of the bundled model's class map (its
        'horizontal stripes' class) at 128 px: Fourier image, decorrelated colour, Lucent's
        standard transforms, Adam with lr 0.05, 512 steps, seed 0, into render.png.
        The loop is Lucid's and Lucent's render_vis: parameterization → sigmoid → transforms →
        model → objective, loss = −objective. Objectives: "layer:channel" or an expression
        such as "channel(conv3, 5) - 0.05*total_variation()" (see Docs/feature-visualization.md).
        --transforms takes standard (Lucent's), lucid, none, or a comma list of
        jitter:D, lucid_jitter:D, reflect_jitter:TAU, roll:D, pad:W, scale, lucid_scale, rotate, lucid_rotate.
        """,
        options: [
            OptionSpec("model", value: "NAME|FILE", help: "a built-in model (refvis models) or a description file (default bundled)"),
            OptionSpec("weights", value: "FILE", help: "safetensors weights (the bundled model has its own)"),
            OptionSpec("objective", value: "EXPR", help: "what to maximize (default \(defaultObjective))"),
            OptionSpec("size", value: "N", help: "image height and width (default 128)"),
            OptionSpec("batch", value: "N", help: "images rendered together (default 1)"),
            OptionSpec("steps", value: "N", help: "optimization steps (default 512)"),
            OptionSpec("thresholds", value: "N,N,…", help: "steps to snapshot (default: the last step)"),
            OptionSpec("param", value: "KIND", help: "pixel, fft (default), lowres or laplacian"),
            OptionSpec("decorrelate", help: "decorrelate colours with Lucid's matrix (default)"),
            OptionSpec("no-decorrelate", help: "optimize RGB directly"),
            OptionSpec("transforms", value: "LIST", help: "standard (default), lucid, none, or a comma list"),
            OptionSpec("optimizer", value: "NAME", help: "adam (default), sgd, … (see the list in the error for a wrong name)"),
            OptionSpec("lr", value: "RATE", help: "learning rate (default 0.05)"),
            OptionSpec("redirected-relu", value: "lucid|lucent", help: "let gradient through dead ReLUs (not a true gradient)"),
            OptionSpec("seed", value: "N", help: "seeds the initial image and every transform (default 0)"),
            OptionSpec("trace", value: "FILE", help: "write every random choice as JSON"),
            OptionSpec("replay", value: "FILE", help: "take the random choices from a trace"),
            OptionSpec("out", short: "o", value: "FILE", help: "the image, .png or .ppm (default render.png)"),
            OptionSpec("contact-sheet", value: "FILE", help: "the threshold snapshots side by side (.png or .ppm)"),
            OptionSpec("loss-csv", value: "FILE", help: "step,loss for every step"),
            OptionSpec("threads", value: "N", help: "worker threads; results are identical for any N"),
        ],
        positionals: 0...0)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        let settings = try RenderSetup.settings(from: arguments)
        let outPath = arguments.value("out") ?? "render.png"
        let named: [(option: String, path: String?)] = [("out", outPath), ("contact-sheet", arguments.value("contact-sheet")),
                                                         ("loss-csv", arguments.value("loss-csv")), ("trace", arguments.value("trace"))]
        let outputs = named.compactMap { entry in entry.path.map { (option: entry.option, path: $0) } }
        for (option, path) in outputs { try checkWritable(path, option: option) }
        for option in ["out", "contact-sheet"] {
            if let path = outputs.first(where: { $0.option == option })?.path, !imageExtensions.contains((path as NSString).pathExtension.lowercased()) {
                throw RefvisError.usage("--\(option) \(path): the picture is written as .png or .ppm, by extension")
            }
        }
        for (index, output) in outputs.enumerated() {
            if let other = outputs[..<index].first(where: { URL(fileURLWithPath: $0.path).standardized == URL(fileURLWithPath: output.path).standardized }) {
                throw RefvisError.usage("--\(other.option) and --\(output.option) name the same file \(output.path)")
            }
        }

        let steps = settings.thresholds.max()!
        let meter = ProgressMeter(total: steps)
        let result: RenderResult
        do {
            result = try render(settings) { step, loss in meter.update(step: step, loss: loss) }
        } catch let stopped as RenderStopped {
            meter.finish()
            try writeImage(stopped.lastFiniteImage, to: outPath)
            throw RefvisError("\(stopped.description); the last finite image is in \(outPath)")
        }
        meter.finish()
        try writeImage(result.snapshots.last!.image, to: outPath)
        if let sheet = arguments.value("contact-sheet") {
            try writeImage(contactSheet(result.snapshots.map(\.image)), to: sheet)
        }
        if let csv = arguments.value("loss-csv") {
            let lines = ["step,loss"] + result.losses.enumerated().map { "\($0.offset + 1),\(formatDouble($0.element))" }
            try AtomicFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: csv)
        }
        if let tracePath = arguments.value("trace") { try result.trace.write(to: tracePath) }
        let t = result.timings
        let share = { (x: Double) in t.total > 0 ? String(format: "%.0f%%", 100 * x / t.total) : "-" }
        printError(String(format: "rendered %d steps in %.1f s (parameterization %@, transforms %@, forward %@, backward %@, optimizer %@); final loss %@ → %@",
                          steps, t.total, share(t.parameterization), share(t.transforms), share(t.forward),
                          share(t.backward), share(t.optimizer), formatDouble(result.losses.last!), outPath))
        return 0
    }

    /// PNG or PPM by extension, written atomically.
    static func writeImage(_ image: Tensor, to path: String) throws {
        let first = Tensor(shape: Array(image.shape.dropFirst()), scalars: Array(image.scalars.prefix(image.count / image.shape[0])))
        if path.lowercased().hasSuffix(".ppm") {
            try NetPBM.write(image.shape[0] == 1 ? image : first, to: path)
        } else {
            try PNG.write(image.shape[0] == 1 ? image : contactSheet([image]), to: path)
        }
    }

    static let imageExtensions: Set<String> = ["png", "ppm"]

    /// Refuses, before any computation, an output path that names a folder or
    /// whose folder is missing or read-only.
    static func checkWritable(_ path: String, option: String) throws {
        var isDirectory: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw RefvisError.usage("--\(option) \(path): names a folder, not a file")
        }
        let folder = (path as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RefvisError("\(path): the folder '\(directory)' does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw RefvisError("\(path): the folder '\(directory)' is not writable")
        }
    }
}

/// Every image of every snapshot side by side, with 2-pixel white gutters:
/// one row per snapshot, one column per batch image.
func contactSheet(_ snapshots: [Tensor]) -> Tensor {
    let (batch, channels, height, width) = (snapshots[0].shape[0], snapshots[0].shape[1], snapshots[0].shape[2], snapshots[0].shape[3])
    let gutter = 2
    let sheetHeight = snapshots.count * (height + gutter) + gutter
    let sheetWidth = batch * (width + gutter) + gutter
    var sheet = Tensor(repeating: 1, shape: [1, channels, sheetHeight, sheetWidth])
    for (row, image) in snapshots.enumerated() {
        for b in 0..<batch {
            for c in 0..<channels {
                for y in 0..<height {
                    for x in 0..<width {
                        let target = (c * sheetHeight + gutter + row * (height + gutter) + y) * sheetWidth + gutter + b * (width + gutter) + x
                        sheet.scalars[target] = image.scalars[((b * channels + c) * height + y) * width + x]
                    }
                }
            }
        }
    }
    return sheet
}
