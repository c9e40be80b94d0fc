import ReferenceCore
import ReferenceIO
// The objectives that expressions can name, with their parameters in
// Lucid's order and defaults, and how each builds an `Objective`. Every
// objective also takes `batch=` (an image index), which restricts it to that
// image of the batch.

/// A parsed argument value.
enum ObjectiveArgument: Equatable, Sendable {
    case number(Double, isInteger: Bool)
    case name(String)
    case list([Double])
    case null
}

/// The kind of value a parameter takes.
enum ObjectiveParameterKind: Sendable {
    case layer, optionalLayer, int, optionalInt, double, vector, optionalVector

    var description: String {
        switch self {
        case .layer: return "a layer name"
        case .optionalLayer: return "a layer name or none"
        case .int: return "an integer"
        case .optionalInt: return "an integer or none"
        case .double: return "a number"
        case .vector: return "a list of numbers [a, b, ...]"
        case .optionalVector: return "a list of numbers or none"
        }
    }
}

struct ObjectiveParameter: Sendable {
    let name: String
    let kind: ObjectiveParameterKind
    /// The default, or nil when the argument is required.
    let defaultValue: ObjectiveArgument?

    init(_ name: String, _ kind: ObjectiveParameterKind, default defaultValue: ObjectiveArgument? = nil) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
    }
}

/// Typed access to the arguments of one call, after defaults are filled in.
struct ObjectiveArguments {
    let values: [String: ObjectiveArgument]

    func layer(_ name: String) -> String {
        if case .name(let layer) = values[name] { return layer }
        return ""
    }
    func optionalLayer(_ name: String) -> String? {
        if case .name(let layer) = values[name] { return layer }
        return nil
    }
    func int(_ name: String) -> Int { optionalInt(name) ?? 0 }
    func optionalInt(_ name: String) -> Int? {
        if case .number(let value, true) = values[name] { return Int(exactly: value) }
        return nil
    }
    func double(_ name: String) -> Double {
        if case .number(let value, _) = values[name] { return value }
        return 0
    }
    func vector(_ name: String) -> [Double] { optionalVector(name) ?? [] }
    func optionalVector(_ name: String) -> [Double]? {
        if case .list(let values) = values[name] { return values }
        return nil
    }
}

struct ObjectiveSignature: Sendable {
    let name: String
    let parameters: [ObjectiveParameter]
    let summary: String
    let build: @Sendable (ObjectiveArguments) -> Objective
}

enum ObjectiveCatalog {
    /// Every objective an expression may call, in the order `help` lists them.
    static let signatures: [ObjectiveSignature] = [
        ObjectiveSignature(name: "neuron", parameters: [.init("layer", .layer), .init("channel", .int),
                                                        .init("x", .optionalInt, default: .null), .init("y", .optionalInt, default: .null)],
                           summary: "mean over the batch of a[:, channel, y, x]; default y = H//2, x = W//2") {
            .neuron($0.layer("layer"), $0.int("channel"), x: $0.optionalInt("x"), y: $0.optionalInt("y"))
        },
        ObjectiveSignature(name: "channel", parameters: [.init("layer", .layer), .init("channel", .int)],
                           summary: "mean of a[:, channel] over batch and positions (also written layer:channel)") {
            .channel($0.layer("layer"), $0.int("channel"))
        },
        ObjectiveSignature(name: "neuron_weight", parameters: [.init("layer", .layer), .init("weight", .optionalVector, default: .null),
                                                               .init("x", .optionalInt, default: .null), .init("y", .optionalInt, default: .null)],
                           summary: "mean over batch and channels of a[:, c, y, x]*weight[c] (Lucent)") {
            .neuronWeight($0.layer("layer"), $0.optionalVector("weight"), x: $0.optionalInt("x"), y: $0.optionalInt("y"))
        },
        ObjectiveSignature(name: "channel_weight", parameters: [.init("layer", .layer), .init("weight", .vector)],
                           summary: "mean of a[n, c, h, w]*weight[c] (Lucent)") {
            .channelWeight($0.layer("layer"), $0.vector("weight"))
        },
        ObjectiveSignature(name: "direction", parameters: [.init("layer", .layer), .init("vector", .vector),
                                                           .init("cossim_pow", .double, default: .number(0, isInteger: true))],
                           summary: "mean of (a.v)*max(0.1, cos)^cossim_pow over batch and positions (Lucid)") {
            .direction($0.layer("layer"), $0.vector("vector"), cossimPow: $0.double("cossim_pow"))
        },
        ObjectiveSignature(name: "direction_neuron", parameters: [.init("layer", .layer), .init("vector", .vector),
                                                                  .init("x", .optionalInt, default: .null), .init("y", .optionalInt, default: .null),
                                                                  .init("cossim_pow", .double, default: .number(0, isInteger: true))],
                           summary: "direction at one position (Lucid)") {
            .directionNeuron($0.layer("layer"), $0.vector("vector"), x: $0.optionalInt("x"), y: $0.optionalInt("y"),
                             cossimPow: $0.double("cossim_pow"))
        },
        ObjectiveSignature(name: "direction_cosine", parameters: [.init("layer", .layer), .init("vector", .vector)],
                           summary: "mean cosine similarity of v and a[n, :, h, w] (Lucent's direction)") {
            .directionCosine($0.layer("layer"), $0.vector("vector"))
        },
        ObjectiveSignature(name: "direction_neuron_cosine", parameters: [.init("layer", .layer), .init("vector", .vector),
                                                                         .init("x", .optionalInt, default: .null), .init("y", .optionalInt, default: .null)],
                           summary: "cosine similarity of v and a[n, :, y, x], mean over the batch (Lucent's direction_neuron)") {
            .directionNeuronCosine($0.layer("layer"), $0.vector("vector"), x: $0.optionalInt("x"), y: $0.optionalInt("y"))
        },
        ObjectiveSignature(name: "channel_interpolate", parameters: [.init("layer1", .layer), .init("channel1", .int),
                                                                     .init("layer2", .layer), .init("channel2", .int)],
                           summary: "channel1 at image 0 blending to channel2 at image N-1 (Lucid)") {
            .channelInterpolate($0.layer("layer1"), $0.int("channel1"), $0.layer("layer2"), $0.int("channel2"))
        },
        ObjectiveSignature(name: "alignment", parameters: [.init("layer", .layer), .init("decay_ratio", .double, default: .number(2, isInteger: true))],
                           summary: "-sum over d=1..4 of mean((a[i]-a[i+d])^2)/decay_ratio^d (Lucid)") {
            .alignment($0.layer("layer"), decayRatio: $0.double("decay_ratio"))
        },
        ObjectiveSignature(name: "diversity", parameters: [.init("layer", .layer)],
                           summary: "mean pairwise cosine similarity of Gram matrices; subtract it (Lucid)") {
            .diversity($0.layer("layer"))
        },
        ObjectiveSignature(name: "L1", parameters: [.init("layer", .optionalLayer, default: .null),
                                                    .init("constant", .double, default: .number(0, isInteger: true))],
                           summary: "sum |x - constant| of the image (or a layer); subtract it") {
            .l1($0.optionalLayer("layer"), constant: $0.double("constant"))
        },
        ObjectiveSignature(name: "L2", parameters: [.init("layer", .optionalLayer, default: .null),
                                                    .init("constant", .double, default: .number(0, isInteger: true)),
                                                    .init("epsilon", .double, default: .number(1e-6, isInteger: false))],
                           summary: "sqrt(epsilon + sum (x - constant)^2) of the image (or a layer); subtract it") {
            .l2($0.optionalLayer("layer"), constant: $0.double("constant"), epsilon: $0.double("epsilon"))
        },
        ObjectiveSignature(name: "total_variation", parameters: [.init("layer", .optionalLayer, default: .null)],
                           summary: "tf.image.total_variation of the image (or a layer), summed over the batch; subtract it") {
            .totalVariation($0.optionalLayer("layer"))
        },
        ObjectiveSignature(name: "blur_input_each_step", parameters: [],
                           summary: "0.5*sum (x - stop_gradient(blur(x)))^2; subtract k times it to blur each step") { _ in
            .blurInputEachStep
        },
        ObjectiveSignature(name: "class_logit", parameters: [.init("label", .int), .init("layer", .optionalLayer, default: .null)],
                           summary: "sum over the batch of logits[:, label] (the model's logits layer by default)") {
            .classLogit($0.int("label"), layer: $0.optionalLayer("layer"))
        },
        ObjectiveSignature(name: "deepdream", parameters: [.init("layer", .layer)],
                           summary: "mean of a^2") {
            .deepdream($0.layer("layer"))
        },
    ]

    /// The signature called `name`; L1 and L2 may be written in lower case.
    static func signature(named name: String) -> ObjectiveSignature? {
        signatures.first { $0.name == name || $0.name.lowercased() == name }
    }

    /// The known name closest to `name` within a small edit distance.
    static func suggestion(for name: String) -> String? {
        let scored = signatures.map { ($0.name, editDistance(name.lowercased(), $0.name.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, name.count / 3) else { return nil }
        return best.0
    }

    /// The Levenshtein distance between two strings.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// One line per objective: its call form and summary, for `--help` texts.
    static var help: [String] {
        signatures.map { signature in
            let parameters = signature.parameters.map { p in
                p.defaultValue.map { "\(p.name)=\(describe($0))" } ?? p.name
            }
            return "\(signature.name)(\(parameters.joined(separator: ", "))): \(signature.summary)"
        }
    }

    static func describe(_ value: ObjectiveArgument) -> String {
        switch value {
        case .number(let v, let isInteger): return isInteger ? Int(exactly: v).map(String.init) ?? formatDouble(v) : formatDouble(v)
        case .name(let name): return name
        case .list(let values): return "[" + values.map(formatDouble).joined(separator: ", ") + "]"
        case .null: return "none"
        }
    }
}
