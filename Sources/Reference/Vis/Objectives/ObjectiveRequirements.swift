import ReferenceCore
import ReferenceIO
// What an objective needs from the model, known before anything runs: the
// layers to request from `Model.run`, and the channels and vector lengths to
// check against each layer's channel count, so that a render command can
// refuse `mixed4a:600` with the valid range before any computation.

/// How one term uses one layer.
public struct ObjectiveLayerUse: Equatable, Sendable {
    public let objective: String
    public let layer: String
    /// A channel (or class) index the term reads, if any.
    public let channel: Int?
    /// The length of a per-channel vector (weight or direction), if any; it must equal C.
    public let vectorLength: Int?
}

extension ObjectiveTerm {
    /// The layers the term reads (nil layer: the logits layer of the model),
    /// with the channel or vector it needs. The image penalties on the image
    /// read no layer.
    func layerUses(logitsLayer: String?) throws -> [ObjectiveLayerUse] {
        func use(_ layer: String, channel: Int? = nil, vector: Int? = nil) -> ObjectiveLayerUse {
            ObjectiveLayerUse(objective: name, layer: layer, channel: channel, vectorLength: vector)
        }
        switch self {
        case let .neuron(layer, channel, _, _), let .channel(layer, channel):
            return [use(layer, channel: channel)]
        case let .neuronWeight(layer, weight, _, _):
            return [use(layer, vector: weight?.count)]
        case let .channelWeight(layer, vector), let .direction(layer, vector, _), let .directionNeuron(layer, vector, _, _, _),
             let .directionCosine(layer, vector), let .directionNeuronCosine(layer, vector, _, _):
            return [use(layer, vector: vector.count)]
        case let .channelInterpolate(layer1, channel1, layer2, channel2):
            return [use(layer1, channel: channel1), use(layer2, channel: channel2)]
        case let .alignment(layer, _), let .diversity(layer), let .deepdream(layer):
            return [use(layer)]
        case let .l1(layer, _), let .l2(layer, _, _), let .totalVariation(layer):
            return layer.map { [use($0)] } ?? []
        case .blurInputEachStep:
            return []
        case let .classLogit(label, layer):
            guard let name = layer ?? logitsLayer else {
                throw RefvisError.usage("class_logit: the model declares no logits layer; pass one as class_logit(\(label), layer=NAME)")
            }
            return [use(name, channel: label)]
        }
    }

    /// Whether the term reads the image itself.
    var usesImage: Bool {
        switch self {
        case .l1(nil, _), .l2(nil, _, _), .totalVariation(nil), .blurInputEachStep: return true
        default: return false
        }
    }
}

extension Objective {
    /// Every use of a layer by the objective's terms, in order.
    public func layerUses(logitsLayer: String? = nil) throws -> [ObjectiveLayerUse] {
        var uses = [ObjectiveLayerUse]()
        try forEachTerm { term, _ in uses += try term.layerUses(logitsLayer: logitsLayer) }
        return uses
    }

    /// The distinct layers to request from the model, in order of first use.
    public func requiredLayers(logitsLayer: String? = nil) throws -> [String] {
        var seen = Set<String>()
        return try layerUses(logitsLayer: logitsLayer).map(\.layer).filter { seen.insert($0).inserted }
    }

    /// Whether any term reads the image (L1, L2, total_variation without a
    /// layer, blur_input_each_step).
    public var usesImage: Bool {
        var uses = false
        forEachTerm { term, _ in uses = uses || term.usesImage }
        return uses
    }

    /// Checks, before anything runs, every channel index and vector length
    /// against the channel counts of the layers (`channelCount(layer)`, nil
    /// when unknown, e.g. a layer that is not (N, C, …)), and every batch
    /// index against the batch size. The first problem is thrown as a usage
    /// error that lists the valid values.
    public func validate(batchSize: Int, logitsLayer: String? = nil,
                         channelCount: (String) throws -> Int?) throws {
        try forEachTerm { term, batchIndex in
            if let index = batchIndex, !(0..<batchSize).contains(index) {
                throw RefvisError.usage("objective \(term.name): batch index \(index) is out of range for a batch of \(batchSize) (valid: \(validRange(batchSize)))")
            }
            for use in try term.layerUses(logitsLayer: logitsLayer) {
                guard let count = try channelCount(use.layer) else { continue }
                if let channel = use.channel, !(0..<count).contains(channel) {
                    throw RefvisError.usage("objective \(use.objective): channel \(channel) is out of range for layer '\(use.layer)' with \(count) channels (valid: \(validRange(count)))")
                }
                if let length = use.vectorLength, length != count {
                    throw RefvisError.usage("objective \(use.objective): the vector has \(length) values but layer '\(use.layer)' has \(count) channels")
                }
            }
        }
    }
}
