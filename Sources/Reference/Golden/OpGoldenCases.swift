import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// Makes the op golden cases (`Fixtures/golden/ops/<case>/`) from the registry.
///
/// For every registered op, the configurations are the op's own `samples`
/// followed by the golden-only extras of `OpGoldenExtras`, and each becomes one
/// case. Everything is deterministic:
///
/// - samples: `RandomGenerator(seed: fnv1a(op name), stream: samplesStream)`,
///   then `op.samples(&rng)`, then `OpGoldenExtras.samples(for: op name, &rng)`
///   from the same generator (so adding extras never changes the op's samples);
/// - cotangents: one standard normal tensor per output, drawn in output order
///   from `RandomGenerator(seed: fnv1a(case name), stream: cotangentStream)`, so
///   a case's cotangents depend on nothing but its own name.
///
/// `fnv1a` is 64-bit FNV-1a over the UTF-8 bytes (offset basis
/// 0xcbf29ce484222325, prime 0x100000001b3).
///
/// A case folder is named `<op>-<NN>-<slug>`: NN is the configuration's index
/// (two digits, from 00) and the slug the label in lowercase, a minus sign
/// written `m`, every run of other characters than [a-z0-9] turned into one
/// `_`, cut to 48 characters (`dim=-1 keepdim` → `dim_m1_keepdim`).
///
/// Its arrays, named after the op's declared inputs and outputs (a variadic
/// input `tensors` gives `tensors-0`, `tensors-1`, …), each in `<array name>.npy`:
/// - `input_<input>`: the inputs, in the op's order;
/// - `output_<output>`: the forward results;
/// - `cotangent_<output>`: one per output;
/// - `gradient_<input>`: `Σₖ cotangentₖ · ∂outputₖ/∂input` for every
///   differentiable input (op.vjp with the outputs above).
/// `attributes` holds every attribute, defaults included, as the op resolves it.
public enum OpGoldenCases {
    public static let samplesStream: UInt64 = 0x601D
    public static let cotangentStream: UInt64 = 0xC07A
    public static let maxSlugLength = 48

    /// One configuration of an op, with the name its case folder gets.
    public struct Planned: Sendable {
        public var name: String
        public var index: Int
        public var sample: OpSample
    }

    /// The configurations of `op` that become cases, in order.
    public static func plan(_ op: OpDefinition) -> [Planned] {
        var rng = RandomGenerator(seed: fnv1a(op.name), stream: samplesStream)
        let samples = op.samples(&rng) + OpGoldenExtras.samples(for: op.name, &rng)
        return samples.enumerated().map { index, sample in
            Planned(name: caseName(op: op.name, index: index, label: sample.label), index: index, sample: sample)
        }
    }

    /// `<op>-<NN>-<slug of label>`.
    public static func caseName(op: String, index: Int, label: String) -> String {
        let number = index < 10 ? "0\(index)" : "\(index)"
        let slug = self.slug(label)
        return slug.isEmpty ? "\(op)-\(number)" : "\(op)-\(number)-\(slug)"
    }

    /// Lowercase; a minus sign (a `-` before a digit or `.` that does not
    /// follow a letter or digit) becomes `m`, so `dim=-1` and `dim=1` differ;
    /// each other run of characters outside [a-z0-9] becomes one `_`; no `_`
    /// at either end; at most `maxSlugLength` characters.
    public static func slug(_ label: String) -> String {
        func isWord(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("0"..."9").contains(c) }
        let scalars = Array(label.lowercased().unicodeScalars)
        var result = ""
        var pendingSeparator = false
        for (index, character) in scalars.enumerated() {
            var emitted = character
            if character == "-", index + 1 < scalars.count,
               ("0"..."9").contains(scalars[index + 1]) || scalars[index + 1] == ".",
               index == 0 || !isWord(scalars[index - 1]) {
                emitted = "m"
            }
            if isWord(emitted) {
                if pendingSeparator && !result.isEmpty { result.append("_") }
                pendingSeparator = false
                result.unicodeScalars.append(emitted)
            } else {
                pendingSeparator = true
            }
        }
        if result.count > maxSlugLength {
            result = String(result.prefix(maxSlugLength))
            while result.hasSuffix("_") { result.removeLast() }
        }
        return result
    }

    /// The array names of the op's inputs for `count` given tensors.
    public static func inputNames(_ op: OpDefinition, count: Int) -> [String] {
        let variadicStart = op.inputs.last?.variadic == true ? op.inputs.count - 1 : nil
        return (0..<count).map { index in
            let spec = op.inputSpec(at: index)
            if let start = variadicStart, index >= start { return "\(spec.name)-\(index - start)" }
            return spec.name
        }
    }

    /// The inputs and cotangents of a case, and what the op makes of them.
    struct Evaluation {
        var outputs: [Tensor]
        /// One per input; nil for an input without a gradient.
        var gradients: [Tensor?]
    }

    /// Runs forward, then the VJP on the outputs just computed.
    static func evaluate(_ op: OpDefinition, inputs: [Tensor], attributes: Attributes,
                         cotangents: (_ outputs: [Tensor]) throws -> [Tensor]) throws -> (Evaluation, [Tensor]) {
        try op.checkInputCount(inputs.count)
        let outputs = try op.forward(inputs, attributes)
        guard outputs.count == op.outputs.count else {
            throw RefvisError("\(op.name): forward returned \(outputs.count) outputs, the op declares \(op.outputs.count)")
        }
        let cotangentTensors = try cotangents(outputs)
        let gradients = try op.vjp(inputs, outputs, cotangentTensors, attributes)
        guard gradients.count == inputs.count else {
            throw RefvisError("\(op.name): vjp returned \(gradients.count) gradients for \(inputs.count) inputs")
        }
        return (Evaluation(outputs: outputs, gradients: gradients), cotangentTensors)
    }

    /// Makes the case of one planned configuration.
    public static func generate(_ op: OpDefinition, _ planned: Planned) throws -> GeneratedGoldenCase {
        let sample = planned.sample
        let attributes = try op.resolve(sample.attributes)
        var rng = RandomGenerator(seed: fnv1a(planned.name), stream: cotangentStream)
        let (evaluation, cotangents) = try evaluate(op, inputs: sample.inputs, attributes: attributes) { outputs in
            outputs.map { rng.normalTensor($0.shape) }
        }
        let names = inputNames(op, count: sample.inputs.count)

        var arrays = [String: Tensor]()
        func entry(_ role: String, _ name: String, _ tensor: Tensor) -> GoldenArray {
            let arrayName = "\(role)_\(name)"
            arrays[arrayName] = tensor
            return GoldenArray(name: arrayName, file: "\(arrayName).npy", shape: tensor.shape)
        }
        let inputArrays = zip(names, sample.inputs).map { entry("input", $0, $1) }
        let outputArrays = zip(op.outputs, evaluation.outputs).map { entry("output", $0, $1) }
        let cotangentArrays = zip(op.outputs, cotangents).map { entry("cotangent", $0, $1) }
        var gradientArrays = [GoldenArray]()
        var gradientTensors = [Tensor]()
        for (index, gradient) in evaluation.gradients.enumerated() {
            guard let gradient, op.inputSpec(at: index).differentiable else { continue }
            guard gradient.shape == sample.inputs[index].shape else {
                throw RefvisError("\(op.name): gradient of '\(names[index])' is \(formatShape(gradient.shape)), input is \(formatShape(sample.inputs[index].shape))")
            }
            gradientArrays.append(entry("gradient", names[index], gradient))
            gradientTensors.append(gradient)
        }

        let tolerances = try GoldenTolerancePolicy.opTolerances(
            op, inputs: sample.inputs, attributes: attributes, cotangents: cotangents,
            outputs: evaluation.outputs, gradients: evaluation.gradients,
            outputNames: outputArrays.map(\.name), gradientNames: evaluation.gradients.indices.map { "gradient_\(names[$0])" })

        let golden = GoldenCase(
            kind: .op, name: planned.name, description: "\(op.name): \(sample.label)", op: op.name,
            attributes: attributes.values, inputs: inputArrays, outputs: outputArrays,
            cotangents: cotangentArrays, gradients: gradientArrays, tolerances: tolerances)
        return GeneratedGoldenCase(golden: golden, arrays: arrays)
    }

    /// Reruns an op case from its committed inputs and cotangents and returns
    /// every checked array (outputs and gradients) by name.
    public static func recompute(_ golden: GoldenCase, in folder: URL) throws -> [String: Tensor] {
        guard let opName = golden.op else { throw RefvisError("case \(golden.name): an op case needs an 'op'") }
        let op = try OpRegistry.op(named: opName)
        let attributes = try op.resolve(golden.attributes ?? [:])
        let inputs = try golden.inputs.map { try GoldenFolder.readArray($0, in: folder) }
        guard golden.outputs.count == op.outputs.count else {
            throw RefvisError("case \(golden.name): \(golden.outputs.count) outputs listed, \(op.name) has \(op.outputs.count)")
        }
        guard golden.cotangents.count == golden.outputs.count else {
            throw RefvisError("case \(golden.name): \(golden.cotangents.count) cotangents for \(golden.outputs.count) outputs")
        }
        let cotangentTensors = try golden.cotangents.map { try GoldenFolder.readArray($0, in: folder) }
        let (evaluation, _) = try evaluate(op, inputs: inputs, attributes: attributes) { outputs in
            for (output, cotangent) in zip(outputs, cotangentTensors) where output.shape != cotangent.shape {
                throw RefvisError("case \(golden.name): cotangent is \(formatShape(cotangent.shape)), output is \(formatShape(output.shape))")
            }
            return cotangentTensors
        }
        var result = [String: Tensor]()
        for (array, output) in zip(golden.outputs, evaluation.outputs) { result[array.name] = output }
        // Gradients pair with inputs by name: gradient_<x> belongs to input_<x>.
        for (array, gradient) in zip(golden.inputs, evaluation.gradients) {
            guard let gradient, array.name.hasPrefix("input_") else { continue }
            result["gradient_" + array.name.dropFirst("input_".count)] = gradient
        }
        return result
    }
}
