import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

@Suite("Objectives: expression parser")
struct ObjectiveParserTests {
    @Test func shorthandIsAChannel() throws {
        #expect(try ObjectiveParser.parse("mixed4a:476") == .channel("mixed4a", 476))
        #expect(try ObjectiveParser.parse(" features.28 : 3 ") == .channel("features.28", 3))
        #expect(try ObjectiveParser.parse("'odd/layer':2") == .channel("odd/layer", 2))
    }

    @Test func expressionsBuildTheirStructure() throws {
        #expect(try ObjectiveParser.parse("channel(mixed4a, 476) - 0.05*total_variation()")
                == .channel("mixed4a", 476) - 0.05 * .totalVariation())
        #expect(try ObjectiveParser.parse("neuron(conv3, 5, x=3, y=4) + 2*deepdream(conv2)")
                == .neuron("conv3", 5, x: 3, y: 4) + 2 * .deepdream("conv2"))
        #expect(try ObjectiveParser.parse("-(a:1 + a:2)/4") == -(Objective.channel("a", 1) + .channel("a", 2)) / 4)
        #expect(try ObjectiveParser.parse("2*3*a:1") == 6 * Objective.channel("a", 1))
        #expect(try ObjectiveParser.parse("channel(layer=m, channel=3, batch=1)") == Objective.channel("m", 3).batch(1))
        #expect(try ObjectiveParser.parse("direction(m, [0.5, -1, 2e-1], cossim_pow=1)") == .direction("m", [0.5, -1, 0.2], cossimPow: 1))
        #expect(try ObjectiveParser.parse("neuron_weight(m, none, y=-0)") == .neuronWeight("m", nil, y: 0))
        #expect(try ObjectiveParser.parse("l2(constant=0.5) + L1(conv1)") == .l2(constant: 0.5) + .l1("conv1"))
        #expect(try ObjectiveParser.parse("class_logit(7) + channel_interpolate(a, 1, b, 2) - 1e2*diversity(m)")
                == .classLogit(7) + .channelInterpolate("a", 1, "b", 2) - 100 * .diversity("m"))
        #expect(try ObjectiveParser.parse("alignment(m, 3) + blur_input_each_step()")
                == .alignment("m", decayRatio: 3) + .blurInputEachStep)
        #expect(try ObjectiveParser.parse("a:1 + 2") == Objective.channel("a", 1) + 2)
    }

    /// Each bad expression and the message it must produce.
    @Test(arguments: [
        ("channel(mixed4a, 476))", "objective: unexpected ')' at column 22"),
        ("chanel(mixed4a, 3)", "objective: unknown objective 'chanel' (did you mean channel?) at column 1"),
        ("a:1 + nuron(b, 2)", "objective: unknown objective 'nuron' (did you mean neuron?) at column 7"),
        ("a:1 +", "objective: unexpected end of expression at column 6"),
        ("a:1.5", "objective: expected a channel number after 'a:' at column 3"),
        ("channel(m)", "objective: channel: missing argument 'channel' (arguments: layer, channel, batch) at column 10"),
        ("channel(m, 2.5)", "objective: channel: argument 'channel' expects an integer, got 2.5 at column 12"),
        ("channel(m, 1, z=2)", "objective: channel has no argument 'z' (arguments: layer, channel, batch) at column 15"),
        ("neuron(m, 1, x=2, 3)", "objective: positional argument after keyword argument at column 19"),
        ("a:1 * a:2", "objective: cannot multiply two objectives (only by numbers) at column 5"),
        ("a:1 / 0", "objective: division by zero at column 5"),
        ("2 / a:1", "objective: cannot divide by an objective (only by numbers) at column 3"),
        ("3 * 4", "objective: the expression is a number, not an objective (name a layer's channel, e.g. mixed4a:476)"),
        ("", "objective: the expression is empty"),
        ("mixed4a", "objective: expected '(' or ':' after 'mixed4a' at column 8"),
        ("a:1 # b", "objective: unexpected character '#' at column 5"),
        ("(a:1", "objective: unexpected end of expression at column 5"),
        ("channel(m, 1, batch=-1)", "objective: channel: batch expects an image index >= 0, got -1 at column 15"),
        ("deepdream(3)", "objective: deepdream: argument 'layer' expects a layer name, got 3 at column 11"),
        ("channel(m, 1, channel=2)", "objective: argument 'channel' given twice at column 15"),
        ("total_variation(a, b)", "objective: total_variation takes at most 1 positional arguments (layer, batch), got 2 at column 20"),
        ("12abc", "objective: unexpected 'a' after the number '12' at column 3"),
    ])
    func badExpressionsPointAtTheColumn(source: String, message: String) {
        do {
            let objective = try ObjectiveParser.parse(source)
            Issue.record("parsed '\(source)' as \(objective)")
        } catch let error as RefvisError {
            #expect(error.message == message)
            #expect(error.kind == .usage)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func helpListsEveryObjective() {
        let help = ObjectiveParser.help
        #expect(help.count == 17)
        #expect(help.contains { $0.hasPrefix("neuron(layer, channel, x=none, y=none):") })
        #expect(help.contains { $0.hasPrefix("L2(layer=none, constant=0, epsilon=1e-06):") || $0.hasPrefix("L2(layer=none, constant=0, epsilon=") })
    }
}

/// d(objective)/d(activations, image) against central differences, as the
/// GradientChecker proves an op: h = 1e-6, |a − n| ≤ 1e-6 + 1e-5·|n| for every entry.
func checkGradient(_ objective: Objective, _ net: FakeNetwork, label: String) throws {
    let (_, analytic, analyticImage) = try net.evaluate(objective)
    let h = 1e-6
    func compare(_ name: String, _ base: Tensor, _ gradient: Tensor, _ perturbed: (Tensor) -> FakeNetwork) throws {
        for k in 0..<base.count {
            var plus = base, minus = base
            plus.scalars[k] += h
            minus.scalars[k] -= h
            let numeric = (try perturbed(plus).value(objective) - perturbed(minus).value(objective)) / (2 * h)
            let a = gradient.scalars[k]
            #expect(abs(a - numeric) <= 1e-6 + 1e-5 * abs(numeric), "\(label): d/d\(name)[\(k)] analytic \(a) numeric \(numeric)")
        }
    }
    for (name, tensor) in net.layers {
        try compare(name, tensor, analytic[name]!) { changed in
            var copy = net
            copy.layers[name] = changed
            return copy
        }
    }
    try compare("image", net.image, analyticImage) { changed in
        var copy = net
        copy.image = changed
        return copy
    }
}

@Suite("Objectives: gradients checked like an op's")
struct ObjectiveGradientTests {
    @Test func everyObjectiveMatchesCentralDifferences() throws {
        var rng = RandomGenerator(seed: 20261123)
        // Activations in ±[0.5, 2]-ish spaced values: distinct, away from zero.
        let conv = spaced([3, 3, 3, 4], &rng, step: 0.02, offset: 0.3)
        let mixed = rng.normalTensor([3, 2, 3, 3])
        let fc = rng.normalTensor([3, 5])
        let image = spaced([3, 2, 4, 3], &rng, step: 0.05, offset: -1.8)
        let net = FakeNetwork(layers: ["conv": conv, "mixed": mixed, "fc": fc], image: image, logits: "fc")
        let v3 = [0.7, 1.3, 0.4]
        let cases: [(String, Objective)] = [
            ("neuron", .neuron("conv", 1)),
            ("neuron x y", .neuron("mixed", 0, x: 2, y: 1)),
            ("channel", .channel("conv", 2)),
            ("channel fc", .channel("fc", 4)),
            ("neuron_weight", .neuronWeight("conv", [0.5, -2, 1.5], x: 1, y: 2)),
            ("neuron_weight none", .neuronWeight("mixed", nil)),
            ("channel_weight", .channelWeight("conv", [0.5, -2, 1.5])),
            ("direction", .direction("conv", v3)),
            ("direction pow 1", .direction("conv", v3, cossimPow: 1)),
            ("direction pow 2.5", .direction("conv", v3, cossimPow: 2.5)),
            ("direction floored", .direction("conv", [-0.7, -1.3, -0.4], cossimPow: 2)),
            ("direction_neuron", .directionNeuron("conv", v3, x: 3, y: 0, cossimPow: 1)),
            ("direction_cosine", .directionCosine("mixed", [1.5, -0.5])),
            ("direction_neuron_cosine", .directionNeuronCosine("mixed", [1.5, -0.5])),
            ("channel_interpolate", .channelInterpolate("conv", 0, "mixed", 1)),
            ("alignment", .alignment("mixed", decayRatio: 1.5)),
            ("diversity", .diversity("mixed")),
            ("L1 image", .l1(constant: 0.01)),
            ("L1 layer", .l1("conv", constant: 0.25)),
            ("L2 image", .l2(constant: 0.3)),
            ("total_variation image", .totalVariation()),
            ("total_variation layer", .totalVariation("conv")),
            ("class_logit", .classLogit(3)),
            ("deepdream", .deepdream("mixed")),
            ("combination", 2 * .channel("conv", 1) - 0.05 * .totalVariation() + .deepdream("mixed") / 3 + 1),
            ("batch restricted", (Objective.neuron("conv", 2) - .l2()).batch(1)),
        ]
        for (label, objective) in cases { try checkGradient(objective, net, label: label) }
    }

    /// blur_input_each_step stops the gradient at the blur, so its gradient is
    /// the derivative of 0.5·Σ (x − B)² with B = lucid_blur(x₀) held fixed,
    /// checked by central differences of that function.
    @Test func blurInputEachStepIsDifferentiatedWithTheBlurHeldFixed() throws {
        var rng = RandomGenerator(seed: 7)
        let image = rng.normalTensor([2, 3, 4, 5])
        let blurred = try lucidBlur(image, kernelSize: 3)
        let (_, _, analytic) = try FakeNetwork(layers: [:], image: image).evaluate(.blurInputEachStep)
        func frozen(_ x: Tensor) -> Double {
            var total = 0.0
            for (a, b) in zip(x.scalars, blurred.scalars) { total += (a - b) * (a - b) }
            return 0.5 * total
        }
        let h = 1e-6
        for k in 0..<image.count {
            var plus = image, minus = image
            plus.scalars[k] += h
            minus.scalars[k] -= h
            let numeric = (frozen(plus) - frozen(minus)) / (2 * h)
            #expect(abs(analytic.scalars[k] - numeric) <= 1e-6 + 1e-5 * abs(numeric))
        }
    }
}
