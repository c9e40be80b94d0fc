import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// A small graph written as JSON: whole-model gradients against central
/// differences, layer names and aliases, and the redirected ReLU rules.
@Suite("Models: a graph from JSON: whole-model gradients, layer names, redirected ReLU")
struct ModelFromJSONTests {
    // MARK: A whole model from JSON

    /// conv → relu → max pool → conv → c² → mean, with preprocessing 2x − 1.
    static let tinyJSON = """
    {
      "format": "refvis-model/1",
      "name": "tiny",
      "summary": "a small graph for whole-model gradient checks",
      "input": {"channels": 2, "size": [6, 6], "minimum_size": 4},
      "preprocessing": {"kind": "scale_shift", "scale": 2, "shift": -1},
      "parameters": [
        {"name": "c1.weight", "shape": [3, 2, 3, 3]},
        {"name": "c1.bias", "shape": [3]},
        {"name": "c2.weight", "shape": [2, 3, 2, 2]}
      ],
      "nodes": [
        {"name": "c1", "op": "conv2d", "inputs": ["input"], "parameters": {"weight": "c1.weight", "bias": "c1.bias"},
         "attributes": {"padding": 1}},
        {"name": "r1", "op": "relu", "inputs": ["c1"]},
        {"name": "p1", "op": "max_pool2d", "inputs": ["r1"], "attributes": {"kernel_size": 2}},
        {"name": "c2", "op": "conv2d", "inputs": ["p1"], "parameters": {"weight": "c2.weight"}},
        {"name": "square", "op": "mul", "inputs": ["c2", "c2"]},
        {"name": "loss", "op": "mean", "inputs": ["square"]}
      ],
      "aliases": {"features": "p1"}
    }
    """

    static func tinyModel(_ parameters: [String: Tensor]? = nil) throws -> Model {
        let description = try ModelDescription.decode(Data(tinyJSON.utf8), name: "tiny.json")
        return try Model(description, parameters: parameters ?? randomParameters(for: description, seed: 5))
    }

    /// The tape's gradient of the loss with respect to the image and to a
    /// weight, against central differences of the whole model.
    @Test func wholeModelGradientMatchesFiniteDifferences() throws {
        let model = try Self.tinyModel()
        var rng = RandomGenerator(seed: 6)
        let image = rng.uniformTensor([2, 2, 6, 6])
        let tape = Tape()
        let imageVariable = tape.variable(image)
        let weightVariable = tape.variable(model.parameters["c1.weight"]!)
        let loss = try #require(model.run(imageVariable, on: tape, layers: ["loss"],
                                          parameterVariables: ["c1.weight": weightVariable])["loss"])
        let gradients = try tape.gradients(of: loss, withRespectTo: [imageVariable, weightVariable])

        func lossValue(_ model: Model, _ image: Tensor) throws -> Double {
            try #require(model.activations(image, layers: ["loss"])["loss"]).scalar
        }
        let h = 1e-6
        for i in 0..<image.count {
            var plus = image, minus = image
            plus.scalars[i] += h
            minus.scalars[i] -= h
            let numeric = try (lossValue(model, plus) - lossValue(model, minus)) / (2 * h)
            expectClose(gradients[0].scalars[i], numeric, tolerance: (absolute: 1e-6, relative: 1e-5), "image[\(i)], tape vs central differences")
        }
        let weight = model.parameters["c1.weight"]!
        for i in 0..<weight.count {
            var plus = model.parameters, minus = model.parameters
            plus["c1.weight"]!.scalars[i] += h
            minus["c1.weight"]!.scalars[i] -= h
            let numeric = try (lossValue(Self.tinyModel(plus), image) - lossValue(Self.tinyModel(minus), image)) / (2 * h)
            expectClose(gradients[1].scalars[i], numeric, tolerance: (absolute: 1e-6, relative: 1e-5), "c1.weight[\(i)], tape vs central differences")
        }
        #expect(gradients[0].maxAbs > 0 && gradients[1].maxAbs > 0)
    }

    // MARK: Layer names

    @Test func aliasesResolveToNodes() throws {
        let tiny = try Self.tinyModel()
        #expect(try tiny.resolveLayer("features") == "p1")
        #expect(try tiny.resolveLayer("c2") == "c2")
        #expect(try tiny.resolveLayer("input") == "input")
        let features = try tiny.activations(Tensor(repeating: 0.5, shape: [1, 2, 6, 6]), layers: ["features", "p1"])
        #expect(features["features"] == features["p1"])

        let inception = inceptionV1Description()
        let model = try Model(inception, parameters: zeroParameters(for: inception))
        #expect(try model.resolveLayer("mixed4a_3x3_pre_relu_conv") == "mixed4a_3x3_pre_relu")
        #expect(try model.resolveLayer("softmax2_pre_activation") == "softmax2_pre_activation_matmul")
        #expect(try model.resolveLayer("mixed4a_pre_relu") == "mixed4a_pre_relu")
    }

    @Test func unknownLayerListsTheValidOnes() throws {
        let tiny = try Self.tinyModel()
        do {
            _ = try tiny.resolveLayer("c3")
            Issue.record("expected an error")
        } catch let error as RefvisError {
            #expect(error.kind == .usage)
            #expect(error.message.contains("'c3'"))
            #expect(error.message.contains("valid layers: c1, r1, p1, c2, square, loss"))
        }
        #expect(throws: RefvisError.self) {
            try tiny.activations(Tensor.zeros([1, 2, 6, 6]), layers: ["loss", "nope"])
        }
    }

    // MARK: Redirected ReLU

    /// Batch of two 2×2 examples, relu then a product with w = [1, −2, 3, −4]
    /// and a sum, so the cotangent reaching the ReLU is w.
    static let reluJSON = """
    {"format": "refvis-model/1", "name": "relu", "input": {"channels": 1, "size": [2, 2], "minimum_size": 1},
     "parameters": [{"name": "w", "shape": [1, 1, 2, 2]}],
     "nodes": [{"name": "r", "op": "relu", "inputs": ["input"]},
               {"name": "o", "op": "mul", "inputs": ["r"], "parameters": {"other": "w"}},
               {"name": "loss", "op": "sum", "inputs": ["o"]}]}
    """

    func reluGradient(_ rule: ReluGradientRule) throws -> [Double] {
        let description = try ModelDescription.decode(Data(Self.reluJSON.utf8), name: "relu.json")
        let model = try Model(description, parameters: ["w": Tensor(shape: [1, 1, 2, 2], scalars: [1, -2, 3, -4])])
        let tape = Tape()
        // Example 0 is off everywhere; example 1 is on at positions 0 and 3.
        let image = tape.variable(Tensor(shape: [2, 1, 2, 2], scalars: [-1, -2, -3, -4, 1, -2, -3, 4]))
        let loss = try #require(model.run(image, on: tape, layers: ["loss"], reluGradient: rule)["loss"])
        return try tape.gradients(of: loss, withRespectTo: [image])[0].scalars
    }

    /// Exact: w where x > 0. Lucid (step ≤ 16): an example whose ReLU gradient
    /// is zero everywhere gets w except where x < 0 and w > 0 (which would push
    /// x lower); others the ReLU gradient. After step 16, Lucid's is exact.
    /// Lucent: w where x ≥ 0, 0.1·w where x < 0.
    @Test func redirectedReluRulesInAModel() throws {
        #expect(try reluGradient(.exact) == [0, 0, 0, 0, 1, 0, 0, -4])
        #expect(try reluGradient(.lucidRedirected(step: 0)) == [0, -2, 0, -4, 1, 0, 0, -4])
        #expect(try reluGradient(.lucidRedirected(step: 16)) == [0, -2, 0, -4, 1, 0, 0, -4])
        #expect(try reluGradient(.lucidRedirected(step: 17)) == [0, 0, 0, 0, 1, 0, 0, -4])
        let lucent: [Double] = [0.1 * 1, 0.1 * -2, 0.1 * 3, 0.1 * -4, 1, 0.1 * -2, 0.1 * 3, -4]
        #expect(try reluGradient(.lucentRedirected) == lucent)
    }

    /// Lucid's definition counts x = 0 as passing (its ReLU gradient is zeroed
    /// only where x < 0), so an example with a zero input and a non-zero
    /// cotangent there keeps the plain rule; the norm is per example.
    @Test func lucidRuleAtZeroAndPerExample() throws {
        let x = Tensor(shape: [2, 3], scalars: [0, -1, -2, -1, -1, -1])
        let g = Tensor(shape: [2, 3], scalars: [5, -3, 2, 4, -6, 0])
        // Example 0: relu_grad = [5, 0, 0] has norm 5 > 0 → it is used.
        // Example 1: relu_grad = 0 → redirected: zero where x < 0 and g > 0.
        #expect(try lucidRedirectedReluVJP(input: x, cotangent: g).scalars == [5, 0, 0, 0, -6, 0])
        let lucent: [Double] = [5, 0.1 * -3, 0.1 * 2, 0.1 * 4, 0.1 * -6, 0]
        #expect(try lucentRedirectedReluVJP(input: x, cotangent: g).scalars == lucent)
    }

    /// A relu on a scalar (a model that sums before its relu) has no batch
    /// dimension for Lucid's per-example norm: an error, not a trap; a vector's
    /// first dimension is its batch, one element per example.
    @Test func lucidRuleRefusesAScalarAndTakesAVectorAsABatch() throws {
        #expect(throws: RefvisError.self) {
            try lucidRedirectedReluVJP(input: Tensor(shape: [], scalars: [-1]), cotangent: Tensor(shape: [], scalars: [1]))
        }
        #expect(throws: RefvisError.self) {
            try lucidRedirectedReluVJP(input: Tensor(shape: [2], scalars: [-1, 1]), cotangent: Tensor(shape: [3], scalars: [1, 1, 1]))
        }
        // Example 0: x < 0, relu_grad 0 → redirected, g > 0 is zeroed; example 1: relu_grad = g.
        let vector = try lucidRedirectedReluVJP(input: Tensor(shape: [3], scalars: [-1, -1, 2]), cotangent: Tensor(shape: [3], scalars: [1, -2, 3]))
        #expect(vector.scalars == [0, -2, 3])
    }
}
