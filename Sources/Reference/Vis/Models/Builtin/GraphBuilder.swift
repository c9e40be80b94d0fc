import ReferenceCore
import ReferenceIO
/// Accumulates the nodes and parameters of a built-in model description.
///
/// The built-in models are written as Swift code that produces a
/// `ModelDescription` — the same data a user's JSON file holds — so that they
/// run through exactly the same checks and evaluator. Each method appends one
/// node (and the parameters it declares) and returns the node's name, so a
/// network reads as a chain of calls.
struct GraphBuilder {
    private(set) var nodes: [NodeDescription] = []
    private(set) var parameters: [ParameterDescription] = []
    private(set) var aliases: [String: String] = [:]

    /// A `conv2d` node with weight `<key>.weight` (out, in, k, k) and bias `<key>.bias`.
    @discardableResult
    mutating func conv(_ name: String, _ input: String, parameterKey key: String, in inChannels: Int, out outChannels: Int,
                       kernel: Int, stride: Int = 1, padding: Int = 0) -> String {
        parameters.append(ParameterDescription("\(key).weight", [outChannels, inChannels, kernel, kernel]))
        parameters.append(ParameterDescription("\(key).bias", [outChannels]))
        var attributes = [String: AttributeValue]()
        if stride != 1 { attributes["stride"] = .ints([stride]) }
        if padding != 0 { attributes["padding"] = .ints([padding]) }
        nodes.append(NodeDescription(name, op: "conv2d", inputs: [input],
                                     parameters: ["weight": "\(key).weight", "bias": "\(key).bias"], attributes: attributes))
        return name
    }

    /// A `linear` node with weight `<key>.weight` (out, in) and bias `<key>.bias`.
    @discardableResult
    mutating func linear(_ name: String, _ input: String, parameterKey key: String, in inFeatures: Int, out outFeatures: Int) -> String {
        parameters.append(ParameterDescription("\(key).weight", [outFeatures, inFeatures]))
        parameters.append(ParameterDescription("\(key).bias", [outFeatures]))
        nodes.append(NodeDescription(name, op: "linear", inputs: [input],
                                     parameters: ["weight": "\(key).weight", "bias": "\(key).bias"]))
        return name
    }

    /// A node of a parameter-free op.
    @discardableResult
    mutating func node(_ name: String, _ op: String, _ inputs: [String], _ attributes: [String: AttributeValue] = [:]) -> String {
        nodes.append(NodeDescription(name, op: op, inputs: inputs, attributes: attributes))
        return name
    }

    @discardableResult
    mutating func relu(_ name: String, _ input: String) -> String { node(name, "relu", [input]) }

    /// A constant `pad` of the last two dimensions: (left, right, top, bottom).
    @discardableResult
    mutating func pad(_ name: String, _ input: String, _ amounts: [Int], value: Double = 0) -> String {
        var attributes: [String: AttributeValue] = ["pad": .ints(amounts)]
        if value != 0 { attributes["value"] = .double(value) }
        return node(name, "pad", [input], attributes)
    }

    @discardableResult
    mutating func maxPool(_ name: String, _ input: String, kernel: Int, stride: Int) -> String {
        node(name, "max_pool2d", [input], ["kernel_size": .ints([kernel]), "stride": .ints([stride])])
    }

    /// Another name for `target` (the target must be a node).
    mutating func alias(_ name: String, _ target: String) {
        aliases[name] = target
    }
}
