import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab

/// `refvis ops`: every registered op with its inputs, attributes and defaults.
enum OpsCommand: Command {
    static let spec = CommandSpec(
        name: "ops", summary: "List every registered op with its inputs, attributes and defaults",
        synopsis: "[NAME …]",
        details: "Names, inputs and attributes are PyTorch's (torch.nn.functional / torch). Optional inputs are in brackets, variadic ones end in '…'.",
        options: [], positionals: 0...Int.max)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        let ops = try arguments.positionals.isEmpty
            ? OpRegistry.all : arguments.positionals.map { try OpRegistry.op(named: $0) }
        for op in ops { print(describe(op)) }
        return 0
    }

    static func describe(_ op: OpDefinition) -> String {
        let inputs = op.inputs.map { input -> String in
            var text = input.name + (input.variadic ? "…" : "")
            if input.optional { text = "[\(text)]" }
            return text
        }.joined(separator: ", ")
        var lines = ["\(op.name)(\(inputs)) -> \(op.outputs.joined(separator: ", "))", "    \(op.summary)"]
        for attribute in op.attributes {
            let defaultText = attribute.defaultValue.map { " = \($0)" } ?? " (required)"
            let help = attribute.help.isEmpty ? "" : "  — \(attribute.help)"
            lines.append("    \(attribute.name): \(attribute.type)\(defaultText)\(help)")
        }
        return lines.joined(separator: "\n")
    }
}
