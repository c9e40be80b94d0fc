import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab

/// `refvis help [COMMAND]`.
enum HelpCommand: Command {
    static let spec = CommandSpec(
        name: "help", summary: "Show the help of refvis or of one command",
        synopsis: "[COMMAND]", details: "", options: [], positionals: 0...1)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard let name = arguments.positionals.first else {
            print(CommandLineTool.overview)
            return 0
        }
        guard let command = CommandLineTool.command(named: name) else {
            throw RefvisError.usage("help: unknown command '\(name)' (run 'refvis --help' for the list)")
        }
        print(command.spec.help)
        return 0
    }
}
