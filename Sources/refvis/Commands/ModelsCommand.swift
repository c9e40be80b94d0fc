import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab

/// `refvis models`: the built-in models with one line each.
enum ModelsCommand: Command {
    static let spec = CommandSpec(
        name: "models", summary: "List the built-in models",
        synopsis: "",
        details: """
        A MODEL argument of the other commands is one of these names or the path of a JSON
        description file (Docs/models.md describes the format; 'refvis describe NAME' writes a
        built-in model's description to start from). Weights come from a safetensors file
        (--weights FILE) whose tensor names are the parameter keys.
        """,
        options: [], positionals: 0...0)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        let rows = BuiltinModels.all.map { model -> [String] in
            let description = model.build()
            let size = description.input.size.map(String.init).joined(separator: "×")
            return [model.name, size, model.bundledWeights == nil ? "file" : "bundled", model.summary]
        }
        print(formatTable(["model", "input", "weights", "summary"], rows))
        return 0
    }
}
