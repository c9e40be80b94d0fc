/// A value recorded on a `Tape`: a handle to a tensor and the op that made it.
public struct Variable: Hashable, Sendable {
    /// The position of the value on its tape.
    public let id: Int
}

/// A small reverse-mode automatic differentiator.
///
/// A tape records each registered op applied to its variables. `gradients(of:
/// withRespectTo:)` walks the records backwards, calling each op's VJP with the
/// cotangents of its outputs and summing the results into the cotangents of its
/// inputs, so that a loss built from many ops gets its gradient without chaining
/// VJPs by hand. Cotangents reaching a value are added in the reverse order of
/// the records, which makes a backward pass reproducible bit for bit.
public final class Tape {
    private struct Record {
        let op: OpDefinition
        let attributes: Attributes
        let inputs: [Variable]
        let outputs: [Variable]
        /// A replacement for the op's VJP for this record only (used by
        /// deliberately non-gradient rules such as redirected ReLU).
        let vjpOverride: OpDefinition.VJP?
    }

    private var values: [Tensor] = []
    /// For each value, the record that produced it (nil for leaves).
    private var producers: [Int?] = []
    private var records: [Record] = []

    public init() {}

    /// Records a leaf: an input or a parameter.
    public func variable(_ value: Tensor) -> Variable {
        values.append(value)
        producers.append(nil)
        return Variable(id: values.count - 1)
    }

    /// The tensor a variable holds.
    public func value(_ variable: Variable) -> Tensor { values[variable.id] }

    /// A new leaf holding the same value: gradients stop here (stop-gradient,
    /// `torch.Tensor.detach`, `tf.stop_gradient`).
    public func detach(_ variable: Variable) -> Variable {
        self.variable(values[variable.id])
    }

    /// Applies a registered op by name.
    public func apply(_ name: String, _ inputs: [Variable], _ attributes: [String: AttributeValue] = [:]) throws -> [Variable] {
        try apply(OpRegistry.op(named: name), inputs, attributes)
    }

    /// Applies an op to recorded variables and records its outputs.
    public func apply(_ op: OpDefinition, _ inputs: [Variable], _ attributes: [String: AttributeValue] = [:],
                      vjpOverride: OpDefinition.VJP? = nil) throws -> [Variable] {
        try op.checkInputCount(inputs.count)
        let resolved = try op.resolve(attributes)
        let outputs = try op.forward(inputs.map { values[$0.id] }, resolved)
        let recordIndex = records.count
        let outputVariables = outputs.map { output -> Variable in
            values.append(output)
            producers.append(recordIndex)
            return Variable(id: values.count - 1)
        }
        records.append(Record(op: op, attributes: resolved, inputs: inputs, outputs: outputVariables,
                              vjpOverride: vjpOverride))
        return outputVariables
    }

    /// Applies a single-output op.
    public func apply1(_ name: String, _ inputs: [Variable], _ attributes: [String: AttributeValue] = [:]) throws -> Variable {
        try apply(name, inputs, attributes)[0]
    }

    /// The gradient of the one-element value `loss` with respect to each of `targets`.
    public func gradients(of loss: Variable, withRespectTo targets: [Variable]) throws -> [Tensor] {
        let lossValue = values[loss.id]
        guard lossValue.count == 1 else {
            throw RefvisError("gradients: the loss must have one element, got shape \(formatShape(lossValue.shape))")
        }
        return try gradients(seeds: [loss: Tensor(repeating: 1, shape: lossValue.shape)], withRespectTo: targets)
    }

    /// Reverse accumulation from arbitrary output cotangents ("seeds").
    public func gradients(seeds: [Variable: Tensor], withRespectTo targets: [Variable]) throws -> [Tensor] {
        // Which values lie on a path from a target? Only their records run backwards.
        var needed = Array(repeating: false, count: values.count)
        for target in targets { needed[target.id] = true }
        for record in records where record.inputs.contains(where: { needed[$0.id] }) {
            for output in record.outputs { needed[output.id] = true }
        }

        var cotangents = [Int: Tensor]()
        for (variable, seed) in seeds {
            try seed.requireShape(values[variable.id].shape, "gradient seed")
            cotangents[variable.id] = seed
        }
        for record in records.reversed() {
            guard record.inputs.contains(where: { needed[$0.id] }),
                  record.outputs.contains(where: { cotangents[$0.id] != nil }) else { continue }
            let outputValues = record.outputs.map { values[$0.id] }
            let outputCotangents = record.outputs.map { cotangents[$0.id] ?? Tensor.zeros(like: values[$0.id]) }
            let vjp = record.vjpOverride ?? record.op.vjp
            let inputGradients = try vjp(record.inputs.map { values[$0.id] }, outputValues, outputCotangents, record.attributes)
            for (position, input) in record.inputs.enumerated() where needed[input.id] {
                guard let gradient = inputGradients[position] else { continue }
                if let existing = cotangents[input.id] {
                    cotangents[input.id] = existing.zipMap(gradient, +)
                } else {
                    cotangents[input.id] = gradient
                }
            }
        }
        return targets.map { cotangents[$0.id] ?? Tensor.zeros(like: values[$0.id]) }
    }
}
