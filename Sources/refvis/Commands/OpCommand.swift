import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab

/// `refvis op NAME`: runs one registered op on arrays from .npy files, and its
/// VJP when cotangents are given, so anyone can get the reference answer for
/// their own inputs.
enum OpCommand: Command {
    static let spec = CommandSpec(
        name: "op", summary: "Run one op (and its VJP) on .npy arrays",
        synopsis: "NAME -i INPUT=FILE.npy … [-a ATTR=VALUE …] -o OUTPUT=FILE.npy [--cotangent OUTPUT=FILE.npy --grad INPUT=FILE.npy …]",
        details: """
        Inputs, attributes and outputs are named as in 'refvis ops NAME'. A variadic input (cat's
        'tensors') is given once per array, in order. An attribute value is JSON when it parses
        (-a padding=[1,1] -a ceil_mode=true -a value=-inf), otherwise a bare string (-a mode=reflect).
        With --cotangent for the outputs (missing ones count as zeros), --grad writes the
        vector-Jacobian product for the named inputs. Results are written as float64 .npy files;
        each file is written completely or not at all.
        """,
        options: [
            OptionSpec("input", short: "i", value: "NAME=FILE", repeatable: true, help: "an input array"),
            OptionSpec("attr", short: "a", value: "NAME=VALUE", repeatable: true, help: "an attribute"),
            OptionSpec("output", short: "o", value: "NAME=FILE", repeatable: true, help: "where to write an output"),
            OptionSpec("cotangent", value: "NAME=FILE", repeatable: true, help: "the cotangent of an output"),
            OptionSpec("grad", value: "NAME=FILE", repeatable: true, help: "where to write the gradient of an input"),
        ],
        positionals: 1...1)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        let op = try OpRegistry.op(named: arguments.positionals[0])

        // Attributes, typed by the op's declaration.
        var attributes = [String: AttributeValue]()
        for text in arguments.all("attr") {
            let (name, raw) = try splitAssignment(text, option: "-a")
            guard let spec = op.attributes.first(where: { $0.name == name }) else {
                let known = op.attributes.isEmpty ? "it has none" : "known: " + op.attributes.map(\.name).joined(separator: ", ")
                throw RefvisError.usage("-a \(name): \(op.name) has no attribute '\(name)' (\(known))")
            }
            guard attributes[name] == nil else { throw RefvisError.usage("-a \(name): given more than once") }
            attributes[name] = try AttributeValue.parse(raw, as: spec.type, name: name)
        }
        let resolved = try op.resolve(attributes)

        // Inputs, in declaration order.
        let givenInputs = try arguments.all("input").map { try splitAssignment($0, option: "-i") }
        for (name, _) in givenInputs where !op.inputs.contains(where: { $0.name == name }) {
            throw RefvisError.usage("-i \(name): \(op.name) has no input '\(name)' (inputs: \(op.inputs.map(\.name).joined(separator: ", ")))")
        }
        var inputs = [Tensor]()
        var inputNames = [String]()
        for spec in op.inputs {
            let files = givenInputs.filter { $0.0 == spec.name }.map(\.1)
            if files.isEmpty && !spec.optional && !spec.variadic {
                throw RefvisError.usage("\(op.name): missing input '\(spec.name)' (-i \(spec.name)=FILE.npy)")
            }
            if files.count > 1 && !spec.variadic {
                throw RefvisError.usage("-i \(spec.name): given more than once")
            }
            for file in files {
                inputs.append(try NumPyFile.read(path: file))
                inputNames.append(spec.name)
            }
        }
        try op.checkInputCount(inputs.count)

        let outputFiles = try namedFiles(arguments.all("output"), option: "-o", allowed: op.outputs, kind: "output", op: op.name)
        let cotangentFiles = try namedFiles(arguments.all("cotangent"), option: "--cotangent", allowed: op.outputs, kind: "output", op: op.name)
        let gradFiles = try arguments.all("grad").map { try splitAssignment($0, option: "--grad") }
        for (name, _) in gradFiles where !inputNames.contains(name) {
            throw RefvisError.usage("--grad \(name): \(op.name) was given no input '\(name)'")
        }
        if !gradFiles.isEmpty && cotangentFiles.isEmpty {
            throw RefvisError.usage("--grad needs --cotangent for at least one output")
        }
        if outputFiles.isEmpty && gradFiles.isEmpty {
            throw RefvisError.usage("\(op.name): nothing to write (give -o output=FILE.npy or --grad)")
        }

        let outputs = try op.forward(inputs, resolved)
        var cotangents = outputs.map { Tensor.zeros(like: $0) }
        for (name, file) in cotangentFiles {
            let position = op.outputs.firstIndex(of: name)!
            let cotangent = try NumPyFile.read(path: file)
            try cotangent.requireShape(outputs[position].shape, "--cotangent \(name)=\(file)")
            cotangents[position] = cotangent
        }

        // Compute everything before writing anything.
        var writes = [(Tensor, String)]()
        for (name, file) in outputFiles {
            writes.append((outputs[op.outputs.firstIndex(of: name)!], file))
        }
        if !gradFiles.isEmpty {
            let gradients = try op.vjp(inputs, outputs, cotangents, resolved)
            for (name, file) in gradFiles {
                let positions = inputNames.indices.filter { inputNames[$0] == name }
                let wanted = gradFiles.filter { $0.0 == name }.map(\.1)
                guard wanted.count == positions.count else {
                    throw RefvisError.usage("--grad \(name): give one file per '\(name)' input (\(positions.count)), got \(wanted.count)")
                }
                let position = positions[wanted.firstIndex(of: file)!]
                guard let gradient = gradients[position] else {
                    throw RefvisError.usage("--grad \(name): input '\(name)' of \(op.name) is not differentiable")
                }
                writes.append((gradient, file))
            }
        }
        for (tensor, file) in writes { try NumPyFile.write(tensor, to: file) }
        return 0
    }

    private static func namedFiles(_ texts: [String], option: String, allowed: [String], kind: String, op: String) throws -> [(String, String)] {
        var seen = Set<String>()
        return try texts.map { text in
            let (name, file) = try splitAssignment(text, option: option)
            guard allowed.contains(name) else {
                throw RefvisError.usage("\(option) \(name): \(op) has no \(kind) '\(name)' (\(kind)s: \(allowed.joined(separator: ", ")))")
            }
            guard seen.insert(name).inserted else { throw RefvisError.usage("\(option) \(name): given more than once") }
            return (name, file)
        }
    }
}
