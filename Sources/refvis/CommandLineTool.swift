import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab

/// A subcommand of `refvis`.
protocol Command: Sendable {
    static var spec: CommandSpec { get }
    /// Runs the command; returns the exit status (0 success, 1 failure).
    static func run(_ arguments: ParsedArguments) throws -> Int32
}

/// The entry point: dispatches to subcommands and turns errors into one line
/// on stderr with the exit status the error's kind asks for (2 usage, 1 failure).
enum CommandLineTool {
    static let commands: [any Command.Type] = [
        RenderCommand.self,
        ConvertCommand.self,
        OpsCommand.self,
        OpCommand.self,
        GradcheckCommand.self,
        GoldenCommand.self,
        VerifyCommand.self,
        BenchCommand.self,
        ModelsCommand.self,
        LayersCommand.self,
        ForwardCommand.self,
        DescribeCommand.self,
        TrainCommand.self,
        EvidenceCommand.self,
        FuzzCommand.self,
        HelpCommand.self,
    ]

    static func command(named name: String) -> (any Command.Type)? {
        commands.first { $0.spec.name == name }
    }

    static var overview: String {
        var lines = [
            "refvis — a Float64 reference implementation of feature visualization",
            "",
            "usage: refvis COMMAND [OPTIONS]",
            "",
            "commands:",
        ]
        let width = commands.map { $0.spec.name.count }.max() ?? 0
        for command in commands {
            lines.append("  " + command.spec.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + command.spec.summary)
        }
        lines += ["", "Run 'refvis help COMMAND' for a command's options."]
        return lines.joined(separator: "\n")
    }

    static func run(_ words: [String]) -> Int32 {
        guard let first = words.first else {
            print(overview)
            return 0
        }
        if first == "--help" || first == "-h" {
            print(overview)
            return 0
        }
        do {
            guard let command = command(named: first) else {
                throw RefvisError.usage("unknown command '\(first)' (run 'refvis --help' for the list)")
            }
            let rest = Array(words.dropFirst())
            if rest.contains("--help") || rest.contains("-h") {
                print(command.spec.help)
                return 0
            }
            let arguments = try command.spec.parse(rest)
            // `--threads N` (offered by the commands that do heavy work) scopes
            // the whole command; without it the default applies.
            let threads = try arguments.int("threads", default: Parallel.threads, in: 1...256)
            return try Parallel.withThreads(threads) { try command.run(arguments) }
        } catch let error as RefvisError {
            printError(error.message)
            return error.kind == .usage ? 2 : 1
        } catch {
            printError("\(error)")
            return 1
        }
    }
}

/// Writes `refvis: message` to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data(("refvis: " + message + "\n").utf8))
}

/// Left-aligned columns separated by two spaces.
func formatTable(_ header: [String], _ rows: [[String]]) -> String {
    let all = [header] + rows
    var widths = Array(repeating: 0, count: header.count)
    for row in all { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    return all.map { row in
        row.enumerated().map { i, cell in
            i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}
