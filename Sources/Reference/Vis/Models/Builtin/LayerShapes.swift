import ReferenceCore
import ReferenceIO
/// The output of one node when the graph runs on an image of a given size.
public struct LayerShape: Sendable, Equatable {
    public let name: String
    /// The op, or "input" for the preprocessed image.
    public let op: String
    /// The output shape, or nil when the node cannot run at this size.
    public let shape: [Int]?
    /// Why the node cannot run (its own error, or the failed node it needs).
    public let problem: String?

    /// The channel count: dimension 1 of a batched output (nil for rank < 2).
    public var channels: Int? {
        guard let shape, shape.count >= 2 else { return nil }
        return shape[1]
    }
}

extension Model {
    /// The output shape of every node for one `(1, C, height, width)` image,
    /// found by evaluating the graph on zeros with this model's parameters
    /// (shapes do not depend on the values; `zeroParameters(for:)` is enough).
    ///
    /// A node that fails — say the 7×7 average pool of a model run on a small
    /// image — is reported with its error, and the nodes that need it as
    /// skipped, instead of the whole listing failing. Values are dropped as
    /// soon as no later node needs them.
    public func layerShapes(height: Int, width: Int) throws -> [LayerShape] {
        guard height >= 1, width >= 1 else {
            throw RefvisError.usage("image size must be at least 1×1, got \(height)×\(width)")
        }
        let inputShape = [1, description.input.channels, height, width]
        _ = try Tensor.checkedElementCount(inputShape, context: "model '\(description.name)' input")
        let tape = Tape()
        let preprocessed = tape.value(try preprocess(tape.variable(Tensor.zeros(inputShape)), on: tape))

        // The last node that reads each node's value, to free it afterwards.
        var lastUse = [Int: Int]()
        for (i, node) in compiled.enumerated() {
            for case .node(let j) in node.sources { lastUse[j] = i }
        }

        var rows = [LayerShape(name: ModelDescription.inputNodeName, op: "input", shape: preprocessed.shape, problem: nil)]
        var values = [Int: Tensor]()
        for (i, node) in compiled.enumerated() {
            var inputs = [Tensor]()
            var missing: String?
            for source in node.sources {
                switch source {
                case .node(let j) where j < 0: inputs.append(preprocessed)
                case .node(let j):
                    if let value = values[j] { inputs.append(value) } else { missing = missing ?? compiled[j].name }
                case .parameter(let name): inputs.append(parameters[name] ?? Tensor.zeros([]))
                }
            }
            if let missing {
                rows.append(LayerShape(name: node.name, op: node.op.name, shape: nil, problem: "needs '\(missing)'"))
            } else {
                do {
                    let output = try node.op(inputs, node.attributes)[0]
                    if lastUse[i] != nil { values[i] = output }
                    rows.append(LayerShape(name: node.name, op: node.op.name, shape: output.shape, problem: nil))
                } catch let error as RefvisError {
                    rows.append(LayerShape(name: node.name, op: node.op.name, shape: nil, problem: error.message))
                }
            }
            for case .node(let j) in node.sources where lastUse[j] == i { values[j] = nil }
        }
        return rows
    }
}
