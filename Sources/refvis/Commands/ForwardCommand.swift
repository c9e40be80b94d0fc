import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab

/// `refvis forward MODEL`: the activations of named layers for an image.
enum ForwardCommand: Command {
    static let spec = CommandSpec(
        name: "forward", summary: "Run a model on an image and write or summarize layer activations",
        synopsis: "MODEL [--weights FILE.safetensors|FILE.pth] -i IMAGE [--resize N] [--layer NAME …] [-o NAME=FILE.npy …]",
        details: """
        IMAGE is a .png, .jpg, .ppm/.pgm picture, or an (N, C, H, W) .npy array with values in
        [0, 1]. A picture's channels become the model's (Pillow's conversion rules); --resize N
        scales the shorter side to N (antialiased when shrinking) and crops the centre N×N, as
        torchvision's Resize + CenterCrop. The model's preprocessing (e.g.
        x·255 − 117 for InceptionV1, ImageNet normalization for VGG) is applied by refvis. Layers
        are node names or aliases ('refvis layers MODEL' lists them; 'input' is the preprocessed
        image). -o writes a layer's activation as a float64 .npy file; --layer prints its shape
        and range. Layer names, weights and the image's shape are all checked before anything
        is computed, and every file is written completely or not at all, after all are computed.
        """,
        options: [
            OptionSpec("weights", short: "w", value: "FILE", help: "safetensors or PyTorch .pth file of the parameters (keys as in 'refvis describe MODEL')"),
            OptionSpec("input", short: "i", value: "FILE", help: "the image: .png, .jpg, .ppm, .pgm, or an (N, C, H, W) .npy in [0, 1]"),
            OptionSpec("resize", value: "N", help: "shorter side to N, then the centre N×N (pictures and arrays alike)"),
            OptionSpec("layer", short: "l", value: "NAME", repeatable: true, help: "print this layer's shape, min, mean and max"),
            OptionSpec("output", short: "o", value: "NAME=FILE", repeatable: true, help: "write this layer's activation to FILE"),
        ],
        positionals: 1...1)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard let inputPath = arguments.value("input") else {
            throw RefvisError.usage("forward: missing the image (-i IMAGE)")
        }
        var outputs = [(layer: String, file: String)]()
        for text in arguments.all("output") {
            let (layer, file) = try splitAssignment(text, option: "-o")
            guard !outputs.contains(where: { $0.file == file }) else {
                throw RefvisError.usage("-o \(text): the file \(file) is given twice")
            }
            outputs.append((layer, file))
        }
        let printed = arguments.all("layer")
        guard !outputs.isEmpty || !printed.isEmpty else {
            throw RefvisError.usage("forward: nothing to do (give --layer NAME or -o NAME=FILE.npy)")
        }

        let modelName = arguments.positionals[0]
        let description = try ModelLoader.description(modelName)
        let channels = description.input.channels, minimum = description.input.minimumSize
        let resize = try arguments.value("resize").map { _ in try arguments.int("resize", default: 0, in: 1...4096) }
        let isArray = AtomicFile.fileExtension(inputPath) == "npy"
        let image = try ImageFile.read(path: inputPath, channels: isArray ? nil : channels,
                                       size: resize.map { (height: $0, width: $0) })
        guard image.rank == 4, image.shape[1] == channels, image.shape[0] >= 1 else {
            throw RefvisError.usage("-i \(inputPath): model '\(description.name)' needs an image (N, \(channels), H, W), got shape \(formatShape(image.shape))")
        }
        guard image.shape[2] >= minimum, image.shape[3] >= minimum else {
            throw RefvisError.usage("-i \(inputPath): the image is \(image.shape[2])×\(image.shape[3]), smaller than model '\(description.name)' accepts (at least \(minimum)×\(minimum))")
        }
        let model = try ModelLoader.model(for: description, named: modelName, weightsPath: arguments.value("weights"))
        for layer in printed + outputs.map(\.layer) { _ = try model.resolveLayer(layer) }

        var wanted = [String]()
        for layer in printed + outputs.map(\.layer) where !wanted.contains(layer) { wanted.append(layer) }
        let activations = try model.activations(image, layers: wanted)

        for layer in printed {
            let value = activations[layer]!
            let count = Double(max(value.count, 1))
            let minText = value.scalars.min().map(formatDouble) ?? "-"
            let maxText = value.scalars.max().map(formatDouble) ?? "-"
            let mean = value.scalars.reduce(0, +) / count
            print("\(layer): shape \(formatShape(value.shape)), min \(minText), mean \(formatDouble(mean)), max \(maxText)")
        }
        for (layer, file) in outputs { try NumPyFile.write(activations[layer]!, to: file) }
        return 0
    }
}
