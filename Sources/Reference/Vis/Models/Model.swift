import ReferenceCore
import ReferenceIO
/// A network ready to run: a checked description and its parameters.
///
/// `run` evaluates the nodes needed for the requested activations on a
/// `Tape`, so gradients flow from any node back to the input image (and, when
/// the parameters are given as tape variables, to the weights — that is how
/// refvis trains its bundled model).
public struct Model: Sendable {
    public let description: ModelDescription
    public let parameters: [String: Tensor]

    /// A node with its op and resolved attributes, and where each op input comes from.
    struct CompiledNode: Sendable {
        enum Source: Sendable, Equatable { case node(Int), parameter(String) }
        let name: String
        let op: OpDefinition
        let attributes: [String: AttributeValue]
        let sources: [Source]
    }

    let compiled: [CompiledNode]
    let nodeIndex: [String: Int]

    /// Checks the graph and the parameters. Problems with the weights — missing
    /// keys, unexpected keys, shape mismatches — are all listed in one error.
    public init(_ description: ModelDescription, parameters: [String: Tensor]) throws {
        let (compiled, index) = try Model.compile(description)
        var problems = [String]()
        let declared = Dictionary(description.parameters.map { ($0.name, $0.shape) }, uniquingKeysWith: { a, _ in a })
        let missing = description.parameters.map(\.name).filter { parameters[$0] == nil }
        if !missing.isEmpty { problems.append("missing keys: " + missing.joined(separator: ", ")) }
        let unexpected = parameters.keys.filter { declared[$0] == nil }.sorted()
        if !unexpected.isEmpty { problems.append("unexpected keys: " + unexpected.joined(separator: ", ")) }
        let mismatched = description.parameters.compactMap { spec -> String? in
            guard let tensor = parameters[spec.name], tensor.shape != spec.shape else { return nil }
            return "\(spec.name) has shape \(formatShape(tensor.shape)), expected \(formatShape(spec.shape))"
        }
        if !mismatched.isEmpty { problems.append("shape mismatches: " + mismatched.joined(separator: "; ")) }
        guard problems.isEmpty else {
            throw RefvisError("weights for model '\(description.name)': " + problems.joined(separator: "; "))
        }
        self.description = description
        self.parameters = parameters
        self.compiled = compiled
        self.nodeIndex = index
    }

    /// Validates a description: ops exist, node names are unique, inputs refer to
    /// earlier nodes, parameters are declared, attributes are valid for their op.
    static func compile(_ description: ModelDescription) throws -> ([CompiledNode], [String: Int]) {
        let context = "model '\(description.name)'"
        guard description.input.channels >= 1, description.input.size.count == 2,
              description.input.size.allSatisfy({ $0 >= 1 }), description.input.minimumSize >= 1 else {
            throw RefvisError("\(context): input needs channels >= 1, a size [height, width] and minimum_size >= 1")
        }
        let declared = Set(description.parameters.map(\.name))
        guard declared.count == description.parameters.count else {
            throw RefvisError("\(context): a parameter is declared twice")
        }
        for parameter in description.parameters {
            _ = try Tensor.checkedElementCount(parameter.shape, context: "\(context): parameter \(parameter.name)")
        }
        var index = [ModelDescription.inputNodeName: -1]
        var compiled = [CompiledNode]()
        for node in description.nodes {
            let where_ = "\(context), node '\(node.name)'"
            guard index[node.name] == nil else { throw RefvisError("\(where_): the name is used twice") }
            let op: OpDefinition
            do { op = try OpRegistry.op(named: node.op) } catch let error as RefvisError {
                throw RefvisError("\(where_): \(error.message)")
            }
            _ = try wrap(where_) { try op.resolve(node.attributes) }
            for (inputName, parameter) in node.parameters.sorted(by: { $0.key < $1.key }) {
                guard op.inputs.contains(where: { $0.name == inputName }) else {
                    throw RefvisError("\(where_): op \(op.name) has no input '\(inputName)'")
                }
                guard declared.contains(parameter) else {
                    throw RefvisError("\(where_): parameter '\(parameter)' is not declared")
                }
            }
            var nodeInputs = [Int]()
            for input in node.inputs {
                guard let position = index[input] else {
                    throw RefvisError("\(where_): input '\(input)' is not an earlier node")
                }
                nodeInputs.append(position)
            }
            var sources = [CompiledNode.Source]()
            var remaining = nodeInputs[...]
            for spec in op.inputs {
                if let parameter = node.parameters[spec.name] {
                    sources.append(.parameter(parameter))
                } else if spec.variadic {
                    sources += remaining.map { .node($0) }
                    remaining = []
                } else if let next = remaining.popFirst() {
                    sources.append(.node(next))
                } else if !spec.optional {
                    throw RefvisError("\(where_): op \(op.name) needs input '\(spec.name)'")
                }
            }
            guard remaining.isEmpty else {
                throw RefvisError("\(where_): \(node.inputs.count) inputs is more than op \(op.name) takes")
            }
            try wrap(where_) { try op.checkInputCount(sources.count) }
            index[node.name] = compiled.count
            compiled.append(CompiledNode(name: node.name, op: op, attributes: node.attributes, sources: sources))
        }
        for (alias, target) in description.aliases.sorted(by: { $0.key < $1.key }) where index[target] == nil {
            throw RefvisError("\(context): alias '\(alias)' points to unknown node '\(target)'")
        }
        if let logits = description.logits, index[logits] == nil, description.aliases[logits] == nil {
            throw RefvisError("\(context): logits node '\(logits)' does not exist")
        }
        return (compiled, index)
    }

    /// All node names, in evaluation order.
    public var nodeNames: [String] { compiled.map(\.name) }

    /// The node a layer name refers to (a node name or an alias), or an error
    /// that lists the valid names.
    public func resolveLayer(_ name: String) throws -> String {
        if name == ModelDescription.inputNodeName || nodeIndex[name] != nil { return name }
        if let target = description.aliases[name] { return target }
        let valid = nodeNames.count > 40
            ? nodeNames.prefix(40).joined(separator: ", ") + ", … (run 'refvis layers \(description.name)' for all)"
            : nodeNames.joined(separator: ", ")
        throw RefvisError.usage("model '\(description.name)' has no layer '\(name)'; valid layers: \(valid)")
    }
}
