import ReferenceCore
import ReferenceIO
// The named objectives. Each case's evaluation lives in the file of its
// family: UnitObjectives.swift (neuron, channel, their weighted forms,
// class_logit, deepdream), DirectionObjectives.swift, BatchObjectives.swift
// (channel_interpolate, alignment, diversity) and ImageObjectives.swift
// (L1, L2, total_variation, blur_input_each_step).
//
// Positions follow PyTorch's NCHW indexing: `x` is the column (along W) and
// `y` the row (along H), as in Lucent's `_extract_act_pos`, which reads
// `acts[:, :, y, x]`. Lucid indexes NHWC as `layer[:, x, y, c]`, so its `x`
// is the row: `neuron(layer, c, x: a, y: b)` here is Lucid's `neuron(layer,
// c, x=b, y=a)`. Unspecified positions default to row H // 2 and column
// W // 2 (Lucid's `shape[1] // 2, shape[2] // 2`). Lucent's defaults are
// x = H // 2 and y = W // 2, i.e. row W // 2 and column H // 2: the same for
// the square layers of square images, transposed otherwise.

/// One named objective with its arguments. `layer: nil` on the image
/// penalties means the image itself (Lucid's `layer="input"`).
public enum ObjectiveTerm: Equatable, Sendable {
    case neuron(layer: String, channel: Int, x: Int?, y: Int?)
    case channel(layer: String, channel: Int)
    case neuronWeight(layer: String, weight: [Double]?, x: Int?, y: Int?)
    case channelWeight(layer: String, weight: [Double])
    case direction(layer: String, vector: [Double], cossimPow: Double)
    case directionNeuron(layer: String, vector: [Double], x: Int?, y: Int?, cossimPow: Double)
    case directionCosine(layer: String, vector: [Double])
    case directionNeuronCosine(layer: String, vector: [Double], x: Int?, y: Int?)
    case channelInterpolate(layer1: String, channel1: Int, layer2: String, channel2: Int)
    case alignment(layer: String, decayRatio: Double)
    case diversity(layer: String)
    case l1(layer: String?, constant: Double)
    case l2(layer: String?, constant: Double, epsilon: Double)
    case totalVariation(layer: String?)
    case blurInputEachStep
    case classLogit(label: Int, layer: String?)
    case deepdream(layer: String)

    /// The objective's name in expressions and messages.
    public var name: String {
        switch self {
        case .neuron: return "neuron"
        case .channel: return "channel"
        case .neuronWeight: return "neuron_weight"
        case .channelWeight: return "channel_weight"
        case .direction: return "direction"
        case .directionNeuron: return "direction_neuron"
        case .directionCosine: return "direction_cosine"
        case .directionNeuronCosine: return "direction_neuron_cosine"
        case .channelInterpolate: return "channel_interpolate"
        case .alignment: return "alignment"
        case .diversity: return "diversity"
        case .l1: return "L1"
        case .l2: return "L2"
        case .totalVariation: return "total_variation"
        case .blurInputEachStep: return "blur_input_each_step"
        case .classLogit: return "class_logit"
        case .deepdream: return "deepdream"
        }
    }

    /// Records the term on the context's tape.
    func evaluate(_ context: ObjectiveContext) throws -> Variable {
        let t = ObjectiveTape(context: context, objective: name)
        switch self {
        case let .neuron(layer, channel, x, y):
            return try t.neuron(try context.layer(layer), layer: layer, channel: channel, x: x, y: y)
        case let .channel(layer, channel):
            return try t.channel(try context.layer(layer), layer: layer, channel: channel)
        case let .neuronWeight(layer, weight, x, y):
            return try t.neuronWeight(try context.layer(layer), layer: layer, weight: weight, x: x, y: y)
        case let .channelWeight(layer, weight):
            return try t.channelWeight(try context.layer(layer), layer: layer, weight: weight)
        case let .direction(layer, vector, power):
            return try t.direction(try context.layer(layer), layer: layer, vector: vector, cossimPow: power)
        case let .directionNeuron(layer, vector, x, y, power):
            return try t.directionNeuron(try context.layer(layer), layer: layer, vector: vector, x: x, y: y, cossimPow: power)
        case let .directionCosine(layer, vector):
            return try t.directionCosine(try context.layer(layer), layer: layer, vector: vector)
        case let .directionNeuronCosine(layer, vector, x, y):
            return try t.directionNeuronCosine(try context.layer(layer), layer: layer, vector: vector, x: x, y: y)
        case let .channelInterpolate(layer1, channel1, layer2, channel2):
            return try t.channelInterpolate(try context.layer(layer1), layer1: layer1, channel1: channel1,
                                            try context.layer(layer2), layer2: layer2, channel2: channel2)
        case let .alignment(layer, decayRatio):
            return try t.alignment(try context.layer(layer), layer: layer, decayRatio: decayRatio)
        case let .diversity(layer):
            return try t.diversity(try context.layer(layer), layer: layer)
        case let .l1(layer, constant):
            return try t.l1(try layer.map(context.layer) ?? context.image, constant: constant)
        case let .l2(layer, constant, epsilon):
            return try t.l2(try layer.map(context.layer) ?? context.image, constant: constant, epsilon: epsilon)
        case let .totalVariation(layer):
            return try t.totalVariation(try layer.map(context.layer) ?? context.image, layer: layer ?? "input")
        case .blurInputEachStep:
            return try t.blurInputEachStep(context.image)
        case let .classLogit(label, layer):
            guard let name = layer ?? context.logitsLayer else {
                throw RefvisError.usage("class_logit: the model declares no logits layer; pass one as class_logit(\(label), layer=NAME)")
            }
            return try t.classLogit(try context.layer(name), layer: name, label: label)
        case let .deepdream(layer):
            return try t.deepdream(try context.layer(layer), layer: layer)
        }
    }
}

extension Objective {
    public static func neuron(_ layer: String, _ channel: Int, x: Int? = nil, y: Int? = nil) -> Objective {
        .term(.neuron(layer: layer, channel: channel, x: x, y: y))
    }
    public static func channel(_ layer: String, _ channel: Int) -> Objective {
        .term(.channel(layer: layer, channel: channel))
    }
    public static func neuronWeight(_ layer: String, _ weight: [Double]?, x: Int? = nil, y: Int? = nil) -> Objective {
        .term(.neuronWeight(layer: layer, weight: weight, x: x, y: y))
    }
    public static func channelWeight(_ layer: String, _ weight: [Double]) -> Objective {
        .term(.channelWeight(layer: layer, weight: weight))
    }
    public static func direction(_ layer: String, _ vector: [Double], cossimPow: Double = 0) -> Objective {
        .term(.direction(layer: layer, vector: vector, cossimPow: cossimPow))
    }
    public static func directionNeuron(_ layer: String, _ vector: [Double], x: Int? = nil, y: Int? = nil,
                                       cossimPow: Double = 0) -> Objective {
        .term(.directionNeuron(layer: layer, vector: vector, x: x, y: y, cossimPow: cossimPow))
    }
    public static func directionCosine(_ layer: String, _ vector: [Double]) -> Objective {
        .term(.directionCosine(layer: layer, vector: vector))
    }
    public static func directionNeuronCosine(_ layer: String, _ vector: [Double], x: Int? = nil, y: Int? = nil) -> Objective {
        .term(.directionNeuronCosine(layer: layer, vector: vector, x: x, y: y))
    }
    public static func channelInterpolate(_ layer1: String, _ channel1: Int, _ layer2: String, _ channel2: Int) -> Objective {
        .term(.channelInterpolate(layer1: layer1, channel1: channel1, layer2: layer2, channel2: channel2))
    }
    public static func alignment(_ layer: String, decayRatio: Double = 2) -> Objective {
        .term(.alignment(layer: layer, decayRatio: decayRatio))
    }
    public static func diversity(_ layer: String) -> Objective { .term(.diversity(layer: layer)) }
    public static func l1(_ layer: String? = nil, constant: Double = 0) -> Objective {
        .term(.l1(layer: layer, constant: constant))
    }
    public static func l2(_ layer: String? = nil, constant: Double = 0, epsilon: Double = 1e-6) -> Objective {
        .term(.l2(layer: layer, constant: constant, epsilon: epsilon))
    }
    public static func totalVariation(_ layer: String? = nil) -> Objective { .term(.totalVariation(layer: layer)) }
    public static var blurInputEachStep: Objective { .term(.blurInputEachStep) }
    public static func classLogit(_ label: Int, layer: String? = nil) -> Objective {
        .term(.classLogit(label: label, layer: layer))
    }
    public static func deepdream(_ layer: String) -> Objective { .term(.deepdream(layer: layer)) }
}
