/// Every registered op, by name. The command line (`refvis ops`, `refvis op`,
/// `refvis gradcheck`), the gradient tests and the golden kit all read this
/// table, so an op that is registered is automatically listed, runnable and checked.
public enum OpRegistry {
    /// All ops, grouped by family; each family file contributes its list.
    public static let all: [OpDefinition] = {
        let families: [[OpDefinition]] = [
            pointwiseOps,
            reductionOps,
            linearAlgebraOps,
            convolutionOps,
            poolingOps,
            normalizationOps,
            shapeOps,
            resamplingOps,
            fourierOps,
            imageOps,
            regularizerOps,
            pyramidOps,
        ]
        return families.flatMap { $0 }
    }()

    private static let byName: [String: OpDefinition] = {
        var table = [String: OpDefinition]()
        for op in all {
            precondition(table[op.name] == nil, "op \(op.name) registered twice")
            table[op.name] = op
        }
        return table
    }()

    /// The op called `name`, or a usage error that lists the known names.
    public static func op(named name: String) throws -> OpDefinition {
        if let op = byName[name] { return op }
        let near = all.map(\.name).filter { $0.hasPrefix(String(name.prefix(3))) }
        let hint = near.isEmpty ? "run 'refvis ops' for the list" : "did you mean " + near.joined(separator: ", ") + "?"
        throw RefvisError.usage("unknown op '\(name)' (\(hint))")
    }

    public static var names: [String] { all.map(\.name) }
}
