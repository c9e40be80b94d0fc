import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// `refvis convert IN -o OUT`: pictures to arrays and back, and PyTorch
/// checkpoints to safetensors — with refvis's own decoders, no Python.
enum ConvertCommand: Command {
    static let spec = CommandSpec(
        name: "convert", summary: "Convert pictures to arrays and back, and PyTorch checkpoints to safetensors",
        synopsis: "IN -o OUT [--channels C] [--resize N] [--dtype float32|float64]",
        details: """
        By extension. A picture (.png, .jpg/.jpeg, .ppm, .pgm) or an array (.npy) becomes a
        float64 (1, C, H, W) array in [0, 1] (.npy) or a picture (.png, .ppm, .pgm): C as stored
        (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA; a palette expands to RGB or RGBA, a CMYK JPEG
        becomes RGB; 16-bit samples are divided by 65535), or C given by --channels (Pillow's
        conversion rules). --resize N scales the shorter side to N and crops the centre N×N.
        A PyTorch checkpoint (.pth/.pt, zip or legacy format, a nested state dict taken from
        its 'state_dict' or 'model' entry) becomes .safetensors; --dtype float32 (default)
        refuses a tensor float32 cannot hold exactly, float64 keeps every value.
        """,
        options: [
            OptionSpec("output", short: "o", value: "FILE", help: "the file to write, its kind by extension"),
            OptionSpec("channels", value: "C", help: "convert a picture to C channels (1–4)"),
            OptionSpec("resize", value: "N", help: "shorter side to N, then the centre N×N"),
            OptionSpec("dtype", value: "float32|float64", help: "safetensors element type (default float32)"),
            OptionSpec("strip-prefix", value: "PREFIX", help: "drop PREFIX (e.g. module.) from every checkpoint key"),
        ],
        positionals: 1...1)

    static let weightExtensions: Set<String> = ["pth", "pt"]

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        let input = arguments.positionals[0]
        guard let output = arguments.value("output") else { throw RefvisError.usage("convert: give the output file with -o FILE") }
        try RenderOutputs.checkWritable(output, option: "output")
        let outExtension = AtomicFile.fileExtension(output)
        let isCheckpoint = weightExtensions.contains(AtomicFile.fileExtension(input))
        // Options that belong to the other kind of input are refused, not ignored.
        let foreign = isCheckpoint ? ["channels", "resize"] : ["dtype", "strip-prefix"]
        if let option = foreign.first(where: { arguments.value($0) != nil }) {
            throw RefvisError.usage("--\(option): applies to \(isCheckpoint ? "pictures" : "checkpoints"), not to \(input)")
        }
        if isCheckpoint {
            guard outExtension == "safetensors" else {
                throw RefvisError.usage("-o \(output): a checkpoint converts to .safetensors")
            }
            let tensors = try TorchCheckpoint.read(path: input, stripPrefix: arguments.value("strip-prefix"))
            try SafeTensorsFile(tensors: tensors).write(to: output, dtype: try dtype(arguments, tensors, input))
            printError("\(input): \(tensors.count) tensors → \(output)")
            return 0
        }
        let channels = try arguments.value("channels").map { _ in try arguments.int("channels", default: 3, in: 1...4) }
        let resize = try arguments.value("resize").map { _ in try arguments.int("resize", default: 1, in: 1...4096) }
        let image = try ImageFile.read(path: input, channels: channels, size: resize.map { (height: $0, width: $0) })
        switch outExtension {
        case "npy": try NumPyFile.write(image, to: output)
        case "png", "ppm", "pgm": try RenderOutputs.writeImage(image, to: output)
        default: throw RefvisError.usage("-o \(output): a picture converts to .npy, .png, .ppm or .pgm")
        }
        printError("\(input): \(formatShape(image.shape)) → \(output)")
        return 0
    }

    /// float32 unless asked otherwise, refusing values float32 would change.
    static func dtype(_ arguments: ParsedArguments, _ tensors: [String: Tensor], _ input: String) throws -> SafeTensorsFile.WriteType {
        switch arguments.value("dtype") ?? "float32" {
        case "float64": return .f64
        case "float32":
            for (name, tensor) in tensors.sorted(by: { $0.key < $1.key }) where tensor.scalars.contains(where: { Double(Float($0)) != $0 && !$0.isNaN }) {
                throw RefvisError("\(input): tensor '\(name)' holds values float32 cannot represent exactly; use --dtype float64")
            }
            return .f32
        case let other: throw RefvisError.usage("--dtype: expected float32 or float64, got '\(other)'")
        }
    }
}
