import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab

/// `refvis describe MODEL`: the model's description as JSON, to read or to
/// start a description file from.
enum DescribeCommand: Command {
    static let spec = CommandSpec(
        name: "describe", summary: "Write a model's description (JSON) to a file or standard output",
        synopsis: "MODEL [-o FILE.json]",
        details: """
        MODEL is a built-in model name (see 'refvis models') or a description file, which is
        checked (ops, inputs, parameters, attributes) and written back in the canonical form:
        pretty-printed with sorted keys. The file is written completely or not at all.
        """,
        options: [
            OptionSpec("output", short: "o", value: "FILE", help: "where to write the JSON (default: standard output)"),
        ],
        positionals: 1...1)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        let description = try ModelLoader.description(arguments.positionals[0])
        try description.check()
        var data = try description.encoded()
        data.append(0x0A)
        if let path = arguments.value("output") {
            try AtomicFile.write(data, to: path)
        } else {
            FileHandle.standardOutput.write(data)
        }
        return 0
    }
}
