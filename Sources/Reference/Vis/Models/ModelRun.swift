import ReferenceCore
import ReferenceIO
/// How ReLU gradients are computed during a model run.
public enum ReluGradientRule: Sendable, Equatable {
    /// The true gradient: ȳ where x > 0, else 0.
    case exact
    /// Lucid's redirected ReLU (see `lucidRedirectedReluVJP`): applies while
    /// `step` ≤ 16, the exact gradient afterwards.
    case lucidRedirected(step: Int)
    /// Lucent's redirected ReLU (see `lucentRedirectedReluVJP`): always.
    case lucentRedirected
}

extension Model {
    /// Evaluates the graph on `image` (NCHW in [0, 1], before preprocessing) and
    /// returns the variables of the requested layers.
    ///
    /// - Parameters:
    ///   - layers: node names or aliases; only the nodes they depend on run.
    ///   - parameterVariables: tape variables for (some of) the parameters, to
    ///     get gradients for them; the others enter the tape as constants.
    ///   - reluGradient: the rule for the backward pass of every `relu` node.
    public func run(_ image: Variable, on tape: Tape, layers: [String],
                    parameterVariables: [String: Variable] = [:],
                    reluGradient: ReluGradientRule = .exact) throws -> [String: Variable] {
        let shape = tape.value(image).shape
        let minimum = description.input.minimumSize
        guard shape.count == 4, shape[1] == description.input.channels else {
            throw RefvisError("model '\(description.name)': input must be (N, \(description.input.channels), H, W), got \(formatShape(shape))")
        }
        guard shape[2] >= minimum, shape[3] >= minimum else {
            throw RefvisError("model '\(description.name)': input \(shape[2])×\(shape[3]) is smaller than the model's minimum of \(minimum)×\(minimum)")
        }
        let targets = try layers.map { try resolveLayer($0) }

        // Which nodes are needed: the targets and everything they depend on.
        var needed = Array(repeating: false, count: compiled.count)
        for target in targets { if let i = nodeIndex[target], i >= 0 { needed[i] = true } }
        for i in stride(from: compiled.count - 1, through: 0, by: -1) where needed[i] {
            for case .node(let j) in compiled[i].sources where j >= 0 { needed[j] = true }
        }

        let preprocessed = try preprocess(image, on: tape)
        var values = [Int: Variable]()
        var constants = [String: Variable]()
        func parameter(_ name: String) -> Variable {
            if let variable = parameterVariables[name] { return variable }
            if let variable = constants[name] { return variable }
            let variable = tape.variable(parameters[name]!)
            constants[name] = variable
            return variable
        }
        for (i, node) in compiled.enumerated() where needed[i] {
            let inputs = node.sources.map { source -> Variable in
                switch source {
                case .node(let j): return j < 0 ? preprocessed : values[j]!
                case .parameter(let name): return parameter(name)
                }
            }
            let override: OpDefinition.VJP? = node.op.name == "relu" ? reluGradient.vjp : nil
            values[i] = try wrap("node '\(node.name)' (\(node.op.name))") {
                try tape.apply(node.op, inputs, node.attributes, vjpOverride: override)[0]
            }
        }
        var result = [String: Variable]()
        for (layer, target) in zip(layers, targets) {
            result[layer] = target == ModelDescription.inputNodeName ? preprocessed : values[nodeIndex[target]!]!
        }
        return result
    }

    /// Activations of the requested layers for a batch of images, without gradients.
    public func activations(_ image: Tensor, layers: [String]) throws -> [String: Tensor] {
        let tape = Tape()
        let outputs = try run(tape.variable(image), on: tape, layers: layers)
        return outputs.mapValues { tape.value($0) }
    }

    /// Applies the description's preprocessing with registered ops, so that it is
    /// differentiated like the rest of the graph.
    func preprocess(_ image: Variable, on tape: Tape) throws -> Variable {
        switch description.preprocessing {
        case .none:
            return image
        case .scaleShift(let scale, let shift):
            let scaled = try tape.mul(image, tape.variable(Tensor(scalar: scale)))
            return try tape.add(scaled, tape.variable(Tensor(scalar: shift)))
        case .normalize(let mean, let std):
            let channels = description.input.channels
            guard mean.count == channels, std.count == channels, std.allSatisfy({ $0 != 0 }) else {
                throw RefvisError("model '\(description.name)': normalize needs \(channels) means and \(channels) non-zero stds")
            }
            let centred = try tape.sub(image, tape.variable(Tensor(shape: [1, channels, 1, 1], scalars: mean)))
            return try tape.div(centred, tape.variable(Tensor(shape: [1, channels, 1, 1], scalars: std)))
        }
    }
}

extension ReluGradientRule {
    /// The VJP replacing relu's, or nil for the exact gradient.
    var vjp: OpDefinition.VJP? {
        switch self {
        case .exact: return nil
        case .lucidRedirected(let step):
            return step <= 16 ? { @Sendable inputs, _, cotangents, _ in [try lucidRedirectedReluVJP(input: inputs[0], cotangent: cotangents[0])] } : nil
        case .lucentRedirected:
            return { @Sendable inputs, _, cotangents, _ in [try lucentRedirectedReluVJP(input: inputs[0], cotangent: cotangents[0])] }
        }
    }
}
