import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab

/// `refvis layers MODEL`: every node with its op, output shape and channels.
enum LayersCommand: Command {
    static let spec = CommandSpec(
        name: "layers", summary: "List a model's layers with their output shapes and channel counts",
        synopsis: "MODEL [--size N]",
        details: """
        Runs the graph on one zero image of N×N pixels (default: the model's input size) with
        zero weights — shapes do not depend on the values — and prints one row per node: its
        name, op, output shape, channel count and other names (aliases). A node that cannot run
        at this size (e.g. a 7×7 pool on too small an image) shows why instead of a shape.
        Any name or alias shown can be given as a layer to 'refvis forward' and the objectives.
        """,
        options: [
            OptionSpec("size", value: "N", help: "height and width of the image (default: the model's input size)"),
        ],
        positionals: 1...1)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        let description = try ModelLoader.description(arguments.positionals[0])
        try description.check()
        let height = try arguments.int("size", default: description.input.size[0], in: 1...4096)
        let width = arguments.value("size") == nil ? description.input.size[1] : height
        // A description's own size is not an option the range check saw:
        // cap it as render caps its images.
        guard (1...4096).contains(height), (1...4096).contains(width) else {
            throw RefvisError.usage("model '\(description.name)': input size \(height)×\(width) is beyond 4096×4096; give --size N")
        }
        try checkParameterBudget(description)
        let model = try Model(description, parameters: zeroParameters(for: description))
        var aliases = [String: [String]]()
        for (alias, target) in description.aliases { aliases[target, default: []].append(alias) }
        let rows = try model.layerShapes(height: height, width: width).map { layer -> [String] in
            [
                layer.name,
                layer.op,
                layer.shape.map(formatShape) ?? "-",
                layer.channels.map(String.init) ?? "-",
                notes(aliases[layer.name] ?? [], layer.problem),
            ]
        }
        print("model '\(description.name)' on a (1, \(description.input.channels), \(height), \(width)) image")
        let table = formatTable(["layer", "op", "shape", "channels", "aliases / notes"], rows)
        // Rows without aliases would end in the column padding.
        for line in table.split(separator: "\n", omittingEmptySubsequences: false) {
            print(String(line.reversed().drop(while: { $0 == " " }).reversed()))
        }
        return 0
    }

    private static func notes(_ aliases: [String], _ problem: String?) -> String {
        var parts = aliases.sorted()
        if let problem { parts.append("cannot run: " + problem) }
        return parts.joined(separator: ", ")
    }

    /// The most parameter elements `layers` fills with zeros (2 GiB of
    /// float64; VGG-19 has 144 million): a declared shape is checked against
    /// it before anything is allocated.
    static let parameterBudget = 1 << 28

    static func checkParameterBudget(_ description: ModelDescription) throws {
        var total = 0
        for parameter in description.parameters {
            let count = try Tensor.checkedElementCount(parameter.shape, context: "model '\(description.name)' parameter '\(parameter.name)'")
            total += count
            guard total <= parameterBudget else {
                throw RefvisError("model '\(description.name)': parameter '\(parameter.name)' \(formatShape(parameter.shape)) brings the parameters to \(total) elements, more than the \(parameterBudget) refvis fills to find the layer shapes")
            }
        }
    }
}
