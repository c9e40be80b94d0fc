/// One named input of an op.
public struct OpInput: Sendable {
    public let name: String
    /// A variadic input (like `cat`'s `tensors`) takes every remaining tensor;
    /// it must be the op's only input.
    public let variadic: Bool
    /// An optional input (like `conv2d`'s `bias`) may be left out; only trailing
    /// inputs can be optional.
    public let optional: Bool
    /// Whether the op has a VJP for this input (every floating input does).
    public let differentiable: Bool

    public init(_ name: String, variadic: Bool = false, optional: Bool = false, differentiable: Bool = true) {
        self.name = name
        self.variadic = variadic
        self.optional = optional
        self.differentiable = differentiable
    }
}

/// One configuration of an op that the gradient checker and golden kit run:
/// concrete inputs and attributes, with a label such as `"stride=2 padding=1"`.
public struct OpSample: Sendable {
    public var label: String
    public var inputs: [Tensor]
    public var attributes: [String: AttributeValue]

    public init(_ label: String, inputs: [Tensor], attributes: [String: AttributeValue] = [:]) {
        self.label = label
        self.inputs = inputs
        self.attributes = attributes
    }
}

/// The contract every differentiable op of refvis fulfils.
///
/// - `forward(inputs, attributes)` returns the outputs.
/// - `vjp(inputs, outputs, cotangents, attributes)` returns, for each input,
///   the vector-Jacobian product `Σₖ cotangentₖ · ∂outputₖ/∂input` — or `nil`
///   for an input that is not differentiable. Gradients have their input's shape.
/// - `samples(rng)` makes the configurations the checks run, with inputs kept
///   away from kinks (no relu at 0, no ties in a max).
/// - `linearInputs` names the inputs in which the op is linear or affine, for
///   the dot-product test.
///
/// Names of ops, inputs and attributes are PyTorch's, so that a result can be
/// compared one-to-one with `torch.nn.functional`.
public struct OpDefinition: Sendable {
    public typealias Forward = @Sendable (_ inputs: [Tensor], _ attributes: Attributes) throws -> [Tensor]
    public typealias VJP = @Sendable (_ inputs: [Tensor], _ outputs: [Tensor], _ cotangents: [Tensor], _ attributes: Attributes) throws -> [Tensor?]
    public typealias Samples = @Sendable (_ rng: inout RandomGenerator) -> [OpSample]

    public let name: String
    /// One line: the formula, and whose semantics the op matches.
    public let summary: String
    public let inputs: [OpInput]
    public let outputs: [String]
    public let attributes: [AttributeSpec]
    public let linearInputs: Set<String>
    public let forward: Forward
    public let vjp: VJP
    public let samples: Samples

    public init(name: String, summary: String, inputs: [OpInput], outputs: [String] = ["output"],
                attributes: [AttributeSpec] = [], linearIn linearInputs: Set<String> = [],
                forward: @escaping Forward, vjp: @escaping VJP, samples: @escaping Samples) {
        self.name = name
        self.summary = summary
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
        self.linearInputs = linearInputs
        self.forward = forward
        self.vjp = vjp
        self.samples = samples
    }

    /// Fills in defaults and rejects unknown or mistyped attributes.
    public func resolve(_ given: [String: AttributeValue]) throws -> Attributes {
        for key in given.keys.sorted() where !attributes.contains(where: { $0.name == key }) {
            let known = attributes.isEmpty ? "it has none" : "known: " + attributes.map(\.name).joined(separator: ", ")
            throw RefvisError.usage("\(name): unknown attribute '\(key)' (\(known))")
        }
        var resolved = Attributes(op: name)
        for spec in attributes {
            if let value = given[spec.name] {
                // Re-coerce through JSON so Swift callers get the same checks as the CLI.
                resolved[spec.name] = try AttributeValue.coerce(value.jsonObject, to: spec.type, name: "\(name).\(spec.name)")
            } else if let value = spec.defaultValue {
                resolved[spec.name] = value
            } else {
                throw RefvisError.usage("\(name): missing required attribute '\(spec.name)'")
            }
        }
        return resolved
    }

    /// Checks the number of inputs against the declaration.
    public func checkInputCount(_ count: Int) throws {
        if let last = inputs.last, last.variadic {
            guard count >= inputs.count else {
                throw RefvisError.usage("\(name): expected at least \(inputs.count) tensors for '\(last.name)', got \(count)")
            }
            return
        }
        let required = inputs.filter { !$0.optional }.count
        guard count >= required && count <= inputs.count else {
            let names = inputs.map { $0.optional ? "[\($0.name)]" : $0.name }.joined(separator: ", ")
            throw RefvisError.usage("\(name): expected inputs (\(names)), got \(count) tensor\(count == 1 ? "" : "s")")
        }
    }

    /// The declared input that the tensor at position `index` belongs to.
    public func inputSpec(at index: Int) -> OpInput {
        index < inputs.count ? inputs[index] : inputs[inputs.count - 1]
    }

    /// Runs the forward pass after checking the inputs and resolving attributes.
    public func callAsFunction(_ inputs: [Tensor], _ attributes: [String: AttributeValue] = [:]) throws -> [Tensor] {
        try checkInputCount(inputs.count)
        return try forward(inputs, resolve(attributes))
    }
}
