import ReferenceCore
import ReferenceIO
import ReferenceVis
/// Whole-model steps, as a render step runs them: the forward pass to a layer
/// and the backward pass to the input image. InceptionV1 at 224 (batch 1,
/// random weights: speed does not depend on their values) to `mixed4d`, the
/// layer of many Distill figures; the bundled model at 128 to its class map.
extension Benchmarks {
    static var modelCases: [Case] {
        func step(_ model: Model, size: Int, layer: String) throws -> () throws -> Void {
            var rng = RandomGenerator(seed: 41)
            let image = rng.uniformTensor([1, 3, size, size])
            return {
                let tape = Tape()
                let input = tape.variable(image)
                let activation = try model.run(input, on: tape, layers: [layer])[layer]!
                let loss = try tape.mean(activation)
                _ = try tape.gradients(of: loss, withRespectTo: [input])
            }
        }
        return [
            Case(name: "inceptionv1 forward+backward 1x3x224x224 to mixed4d", flops: nil) {
                let description = inceptionV1Description(lrn: .tensorflow)
                let model = try Model(description, parameters: randomParameters(for: description, seed: 1))
                return try step(model, size: 224, layer: "mixed4d")
            },
            Case(name: "bundled model forward+backward 1x3x128x128 to class_map", flops: nil) {
                try step(BundledModel.load(), size: 128, layer: "class_map")
            },
        ]
    }
}
