import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// Fake layers for objectives: the context's layer function returns tape
/// variables made from hand-written tensors.
struct FakeNetwork {
    var layers: [String: Tensor]
    var image: Tensor
    var logits: String? = nil

    /// The objective's value, and the gradients with respect to every layer
    /// (sorted by name) and then the image.
    func evaluate(_ objective: Objective) throws -> (value: Double, gradients: [String: Tensor], image: Tensor) {
        let tape = Tape()
        let names = layers.keys.sorted()
        var variables = [String: Variable]()
        for name in names { variables[name] = tape.variable(layers[name]!) }
        let imageVariable = tape.variable(image)
        let context = ObjectiveContext(
            tape: tape,
            layer: { name in
                guard let v = variables[name] else { throw RefvisError("no fake layer '\(name)'") }
                return v
            },
            image: imageVariable, batchSize: image.shape[0], logitsLayer: logits)
        let value = try objective.evaluate(context)
        let gradients = try tape.gradients(of: value, withRespectTo: names.map { variables[$0]! } + [imageVariable])
        var byName = [String: Tensor]()
        for (name, gradient) in zip(names, gradients) { byName[name] = gradient }
        return (tape.value(value).scalars[0], byName, gradients.last!)
    }

    func value(_ objective: Objective) throws -> Double { try evaluate(objective).value }
}

/// A tensor whose element at flat index k is `values[k]`.
func t(_ shape: [Int], _ values: [Double]) -> Tensor { Tensor(shape: shape, scalars: values) }

/// Values k·step + offset in a random order plus small noise: distinct, with
/// gaps far larger than the finite-difference step (no kinks of |d| nearby).
func spaced(_ shape: [Int], _ rng: inout RandomGenerator, step: Double = 0.1, offset: Double = -1) -> Tensor {
    let count = shape.reduce(1, *)
    var values = (0..<count).map { Double($0) * step + offset }
    for i in stride(from: count - 1, to: 0, by: -1) { values.swapAt(i, rng.integer(in: 0...i)) }
    return Tensor(shape: shape, scalars: values.map { $0 + rng.uniform(-0.01, 0.01) * step })
}


/// The ramp a[n, c, y, x] = 100n + 12c + 4y + x on (N, 2, 3, 4).
func ramp(batch: Int) -> Tensor {
    Tensor(shape: [batch, 2, 3, 4]) { k in Double(100 * (k / 24) + k % 24) }
}

private let noImage = Tensor.zeros([1, 1, 2, 2])

@Suite("Objectives: values worked by hand")
struct ObjectiveValueTests {
    @Test func neuronDefaultsToTheCentreRowHalfAndColumnHalf() throws {
        // (1, 2, 3, 4): row 3 // 2 = 1, column 4 // 2 = 2 → a[0, 1, 1, 2] = 12 + 4 + 2.
        let net = FakeNetwork(layers: ["conv": ramp(batch: 1)], image: noImage)
        #expect(try net.value(.neuron("conv", 1)) == 18)
        // x is the column, y the row: a[0, 1, 0, 3] = 12 + 3.
        #expect(try net.value(.neuron("conv", 1, x: 3, y: 0)) == 15)
        #expect(try net.value(.neuron("conv", 0, x: 0, y: 2)) == 8)
    }

    @Test func neuronAveragesOverTheBatch() throws {
        let net = FakeNetwork(layers: ["conv": ramp(batch: 2)], image: Tensor.zeros([2, 1, 2, 2]))
        #expect(try net.value(.neuron("conv", 1)) == (18 + 118) / 2)
    }

    @Test func channelIsTheMeanOverBatchAndPositions() throws {
        // Channel 1 of image 0 holds 12...23 (mean 17.5), of image 1 112...123 (mean 117.5).
        let net = FakeNetwork(layers: ["conv": ramp(batch: 2)], image: Tensor.zeros([2, 1, 2, 2]))
        #expect(try net.value(.channel("conv", 1)) == 67.5)
        #expect(try net.value(.channel("conv", 0)) == 55.5)
        // A fully connected layer (N, K): the mean over the batch.
        let fc = FakeNetwork(layers: ["fc": t([2, 3], [1, 2, 3, 4, 5, 6])], image: Tensor.zeros([2, 1, 2, 2]))
        #expect(try fc.value(.channel("fc", 2)) == 4.5)
    }

    @Test func weightedNeuronAndChannel() throws {
        // At the centre (row 1, column 2) the channels hold 6 and 18.
        let net = FakeNetwork(layers: ["conv": ramp(batch: 1)], image: noImage)
        #expect(try net.value(.neuronWeight("conv", [2, -1])) == (12 - 18) / 2)
        #expect(try net.value(.neuronWeight("conv", nil)) == 12)
        let small = FakeNetwork(layers: ["l": t([1, 2, 1, 2], [1, 2, 3, 4])], image: noImage)
        // mean(1·1, 2·1, 3·10, 4·10) over N·C·H·W = 4 values.
        #expect(try small.value(.channelWeight("l", [1, 10])) == 73.0 / 4)
    }

    @Test func directionDotProductAndCosineForms() throws {
        // Positions: (3, 4) with norm 5 and (4, −3); v = (0.6, 0.8) with norm 1.
        let net = FakeNetwork(layers: ["l": t([1, 2, 1, 2], [3, 4, 4, -3])], image: noImage)
        // Dot products 5 and 0: Lucid's plain mean is 2.5.
        #expect(close(try net.value(.direction("l", [0.6, 0.8])), 2.5, 1e-12))
        // cossim_pow 2: 5·(5 / ((5 + 1e-4)(1 + 1e-4)))² + 0·max(0.1, 0)² over 2 positions.
        let cosine = 5 / ((5 + 1e-4) * (1 + 1e-4))
        #expect(close(try net.value(.direction("l", [0.6, 0.8], cossimPow: 2)), 5 * cosine * cosine / 2, 1e-12))
        // Lucent: cosines 1 and 0.
        #expect(close(try net.value(.directionCosine("l", [0.6, 0.8])), 0.5, 1e-12))
        // At a position: column 0 → (3, 4).
        #expect(close(try net.value(.directionNeuron("l", [0.6, 0.8], x: 0, y: 0)), 5, 1e-12))
        #expect(close(try net.value(.directionNeuronCosine("l", [0.6, 0.8], x: 1, y: 0)), 0, 1e-12))
        // The default position is column 2 // 2 = 1.
        #expect(close(try net.value(.directionNeuronCosine("l", [0.6, 0.8])), 0, 1e-12))
    }

    @Test func channelInterpolateBlendsAcrossTheBatch() throws {
        // Channel means per image: layer a channel 1 → 1, 2, 3; layer b channel 0 → 10, 20, 30.
        // Weights 0, 0.5, 1: 1·1 + 0.5·2 + 0.5·20 + 1·30 = 42.
        let a = t([3, 2, 1, 2], [0, 0, 1, 1, 0, 0, 1, 3, 0, 0, 3, 3])
        let b = t([3, 1, 1, 2], [5, 15, 20, 20, 25, 35])
        let net = FakeNetwork(layers: ["a": a, "b": b], image: Tensor.zeros([3, 1, 2, 2]))
        #expect(close(try net.value(.channelInterpolate("a", 1, "b", 0)), 42, 1e-12))
        #expect(throws: RefvisError.self) {
            try FakeNetwork(layers: ["a": ramp(batch: 1)], image: noImage).value(.channelInterpolate("a", 0, "a", 1))
        }
    }

    @Test func alignmentPenalizesDistancesBetweenNeighbours() throws {
        // Images (0, 0), (1, 1), (3, 3); d = 1: (1 + 4)/2; d = 2: 9/4.
        let net = FakeNetwork(layers: ["l": t([3, 1, 1, 2], [0, 0, 1, 1, 3, 3])], image: Tensor.zeros([3, 1, 2, 2]))
        #expect(close(try net.value(.alignment("l")), -4.75, 1e-12))
        // decay 1: 1 + 4 + 9.
        #expect(close(try net.value(.alignment("l", decayRatio: 1)), -14, 1e-12))
        #expect(try FakeNetwork(layers: ["l": ramp(batch: 1)], image: noImage).value(.alignment("l")) == 0)
    }

    @Test func diversityIsTheMeanPairwiseGramCosine() throws {
        // Images (1, 0), (1, 1), (2, 0) at one position: normalized Grams
        // [[1,0],[0,0]], [[1,1],[1,1]]/2, [[1,0],[0,0]]; pair similarities 0.5, 1, 0.5.
        let net = FakeNetwork(layers: ["l": t([3, 2, 1, 1], [1, 0, 1, 1, 2, 0])], image: Tensor.zeros([3, 1, 2, 2]))
        #expect(close(try net.value(.diversity("l")), 2 * (0.5 + 1 + 0.5) / 3, 1e-12))
        // Orthogonal Grams: no similarity.
        let orthogonal = FakeNetwork(layers: ["l": t([2, 2, 1, 1], [1, 0, 0, 1])], image: Tensor.zeros([2, 1, 2, 2]))
        #expect(try orthogonal.value(.diversity("l")) == 0)
    }

    @Test func imagePenalties() throws {
        let net = FakeNetwork(layers: ["l": t([1, 1, 1, 2], [-1, 2])], image: t([1, 1, 1, 3], [1, -2, 3]))
        #expect(try net.value(.l1(constant: 1)) == 5)
        #expect(try net.value(.l1("l")) == 3)
        #expect(close(try net.value(.l2()), (1e-6 + 14).squareRoot(), 1e-12))
        #expect(close(try net.value(.l2(constant: 1, epsilon: 0)), 13.0.squareRoot(), 1e-12))
        // Image 0: vertical |3 − 0| + |5 − 1|, horizontal |1 − 0| + |5 − 3|; image 1 constant.
        let tv = FakeNetwork(layers: [:], image: t([2, 1, 2, 2], [0, 1, 3, 5, 2, 2, 2, 2]))
        #expect(try tv.value(.totalVariation()) == 10)
    }

    @Test func blurInputEachStepAndItsGradient() throws {
        // One row [0, 3, 0]: blurred [1.5/1.5, 3/2, 1.5/1.5] = [1, 1.5, 1].
        let net = FakeNetwork(layers: [:], image: t([1, 1, 1, 3], [0, 3, 0]))
        let (value, _, gradient) = try net.evaluate(.blurInputEachStep)
        #expect(close(value, 0.5 * (1 + 2.25 + 1), 1e-12))
        // The gradient is x − blur(x) (the blur is a constant).
        #expect(gradient.scalars == [-1, 1.5, -1])
        // Subtracting it moves a gradient step toward the blurred image.
        let (_, _, descent) = try net.evaluate(-0.5 * Objective.blurInputEachStep)
        let stepped = zip(net.image.scalars, descent.scalars).map { $0 + $1 }
        #expect(stepped == [0.5, 2.25, 0.5])
    }

    @Test func classLogitSumsOverTheBatch() throws {
        let net = FakeNetwork(layers: ["fc8": t([2, 3], [1, 2, 3, 4, 5, 6])], image: Tensor.zeros([2, 1, 2, 2]), logits: "fc8")
        #expect(try net.value(.classLogit(2)) == 9)
        #expect(try net.value(.classLogit(0, layer: "fc8")) == 5)
        var without = net
        without.logits = nil
        #expect(throws: RefvisError.self) { try without.value(.classLogit(0)) }
    }

    @Test func deepdreamIsTheMeanSquare() throws {
        let net = FakeNetwork(layers: ["l": t([1, 1, 2, 2], [1, -2, 3, 0])], image: noImage)
        #expect(try net.value(.deepdream("l")) == 3.5)
    }

    @Test func badChannelsPositionsAndVectorsThrow() throws {
        let net = FakeNetwork(layers: ["conv": ramp(batch: 1), "fc": t([1, 3], [1, 2, 3])], image: noImage)
        for objective: Objective in [.channel("conv", 2), .channel("conv", -1), .neuron("conv", 0, x: 4), .neuron("conv", 0, y: 3),
                                     .neuron("fc", 0), .channelWeight("conv", [1]), .direction("conv", [1, 2, 3]),
                                     .alignment("conv", decayRatio: 0), .channel("missing", 0), .diversity("fc"),
                                     .direction("conv", [1, 1], cossimPow: .infinity)] {
            #expect(throws: RefvisError.self) { try net.value(objective) }
        }
        do {
            _ = try net.value(.channel("conv", 5))
            Issue.record("expected an error")
        } catch let error as RefvisError {
            #expect(error.message == "channel: channel 5 is out of range for layer 'conv' with 2 channels (valid: 0...1)")
        }
    }
}

@Suite("Objectives: composition and batch restriction")
struct ObjectiveAlgebraTests {
    private let net = FakeNetwork(layers: ["conv": ramp(batch: 2)], image: Tensor.zeros([2, 1, 2, 2]))

    @Test func sumsDifferencesAndScaling() throws {
        // channel 0 = 55.5, channel 1 = 67.5.
        let a = Objective.channel("conv", 0), b = Objective.channel("conv", 1)
        #expect(try net.value(a + b) == 123)
        #expect(try net.value(a - b) == -12)
        #expect(try net.value(2 * a - b / 4) == 111 - 16.875)
        #expect(try net.value(-a) == -55.5)
        #expect(try net.value(a + 1.5) == 57)
        #expect(try net.value(3 - a) == -52.5)
        #expect(try net.value(Objective.sum(of: [a, b, a])) == 178.5)
        #expect(try net.value(Objective.sum(of: [])) == 0)
        // Sums stay flat.
        #expect(a + b + a == .sum([a, b, a]))
    }

    @Test func gradientsOfACombinationAreTheCombinationOfGradients() throws {
        let a = Objective.channel("conv", 0), b = Objective.neuron("conv", 1)
        let ga = try net.evaluate(a).gradients["conv"]!, gb = try net.evaluate(b).gradients["conv"]!
        let combined = try net.evaluate(2 * a - 0.5 * b).gradients["conv"]!
        #expect(combined == ga.zipMap(gb) { 2 * $0 - 0.5 * $1 })
    }

    @Test func batchRestrictionSelectsOneImage() throws {
        // Image 1 channel 1 holds 112...123.
        #expect(try net.value(Objective.channel("conv", 1).batch(1)) == 117.5)
        #expect(try net.value(Objective.neuron("conv", 1).batch(0)) == 18)
        // Everything inside the restriction sees image 1 only.
        #expect(try net.value((Objective.channel("conv", 0) + Objective.neuron("conv", 1)).batch(1)) == 105.5 + 118)
        // The other image gets no gradient: channel 1 of image 1 has 12 entries of 1/12.
        let gradient = try net.evaluate(Objective.channel("conv", 1).batch(1)).gradients["conv"]!
        for k in 0..<48 { #expect(gradient.scalars[k] == (k >= 36 ? 1.0 / 12 : 0)) }
        // On the image: L1 of image 0 only.
        let imageNet = FakeNetwork(layers: [:], image: t([2, 1, 1, 2], [1, -2, 30, 40]))
        #expect(try imageNet.value(Objective.l1().batch(0)) == 3)
        #expect(throws: RefvisError.self) { try net.value(Objective.channel("conv", 0).batch(2)) }
    }

    @Test func requiredLayersAndChannelValidation() throws {
        let objective = Objective.channel("mixed4a", 476) - 0.05 * Objective.totalVariation()
            + Objective.neuron("conv3", 5).batch(1) + 2 * Objective.deepdream("mixed4a") + Objective.classLogit(3)
        #expect(try objective.requiredLayers(logitsLayer: "softmax2") == ["mixed4a", "conv3", "softmax2"])
        #expect(objective.usesImage)
        #expect(!Objective.channel("a", 1).usesImage)
        #expect(throws: RefvisError.self) { try objective.requiredLayers() }  // class_logit needs a logits layer
        let counts = ["mixed4a": 508, "conv3": 64, "softmax2": 1008]
        try objective.validate(batchSize: 2, logitsLayer: "softmax2") { counts[$0] }
        #expect(throws: RefvisError.self) {
            try objective.validate(batchSize: 1, logitsLayer: "softmax2") { counts[$0] }
        }
        do {
            try Objective.channel("mixed4a", 600).validate(batchSize: 1) { counts[$0] }
            Issue.record("expected an error")
        } catch let error as RefvisError {
            #expect(error.message == "objective channel: channel 600 is out of range for layer 'mixed4a' with 508 channels (valid: 0...507)")
            #expect(error.kind == .usage)
        }
        #expect(throws: RefvisError.self) {
            try Objective.direction("mixed4a", [1, 2]).validate(batchSize: 1) { counts[$0] }
        }
    }
}
