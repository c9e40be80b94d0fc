import Foundation
import ReferenceCore
import ReferenceIO

/// A network as data: the JSON format of refvis model description files.
///
/// A model is a list of named nodes, each applying a registered op (by its
/// PyTorch name) to earlier nodes and to named parameters. Any node's value
/// can be read by name, which is how feature visualization picks the unit to
/// excite. The built-in models are produced by Swift code as values of this
/// type, so a user-written file and a built-in model go through the same code.
/// `Docs/models.md` documents the format.
public struct ModelDescription: Codable, Sendable, Equatable {
    /// Identifies the format and its version.
    public static let formatName = "refvis-model/1"

    public var format: String
    public var name: String
    public var summary: String
    public var input: InputDescription
    public var preprocessing: Preprocessing
    public var parameters: [ParameterDescription]
    public var nodes: [NodeDescription]
    /// Other names for nodes (e.g. VGG's `relu1_1` for `features.1`).
    public var aliases: [String: String]
    /// The node holding the class scores, for class objectives (optional).
    public var logits: String?
    /// Class names, in logit order (optional).
    public var classes: [String]?

    public init(name: String, summary: String, input: InputDescription, preprocessing: Preprocessing,
                parameters: [ParameterDescription], nodes: [NodeDescription], aliases: [String: String] = [:],
                logits: String? = nil, classes: [String]? = nil) {
        self.format = ModelDescription.formatName
        self.name = name
        self.summary = summary
        self.input = input
        self.preprocessing = preprocessing
        self.parameters = parameters
        self.nodes = nodes
        self.aliases = aliases
        self.logits = logits
        self.classes = classes
    }

    enum CodingKeys: String, CodingKey {
        case format, name, summary, input, preprocessing, parameters, nodes, aliases, logits, classes
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(String.self, forKey: .format)
        name = try c.decode(String.self, forKey: .name)
        summary = try c.decodeIfPresent(String.self, forKey: .summary) ?? ""
        input = try c.decode(InputDescription.self, forKey: .input)
        preprocessing = try c.decodeIfPresent(Preprocessing.self, forKey: .preprocessing) ?? .none
        parameters = try c.decodeIfPresent([ParameterDescription].self, forKey: .parameters) ?? []
        nodes = try c.decode([NodeDescription].self, forKey: .nodes)
        aliases = try c.decodeIfPresent([String: String].self, forKey: .aliases) ?? [:]
        logits = try c.decodeIfPresent(String.self, forKey: .logits)
        classes = try c.decodeIfPresent([String].self, forKey: .classes)
    }
}

/// What the model expects as input: an NCHW image batch with values in [0, 1]
/// (before preprocessing).
public struct InputDescription: Codable, Sendable, Equatable {
    public var channels: Int
    /// The size the model was trained at, (height, width): a hint, not a requirement.
    public var size: [Int]
    /// The smallest height and width the graph accepts.
    public var minimumSize: Int

    public init(channels: Int, size: [Int], minimumSize: Int) {
        self.channels = channels
        self.size = size
        self.minimumSize = minimumSize
    }

    enum CodingKeys: String, CodingKey { case channels, size, minimumSize = "minimum_size" }
}

/// How an image in [0, 1] is turned into what the network was trained on.
public enum Preprocessing: Codable, Sendable, Equatable {
    /// The image as it is.
    case none
    /// x·scale + shift per element, e.g. InceptionV1's x·255 − 117.
    case scaleShift(scale: Double, shift: Double)
    /// (x − mean_c) / std_c per channel, e.g. ImageNet's statistics for VGG.
    case normalize(mean: [Double], std: [Double])

    enum CodingKeys: String, CodingKey { case kind, scale, shift, mean, std }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "none": self = .none
        case "scale_shift": self = .scaleShift(scale: try c.decode(Double.self, forKey: .scale),
                                               shift: try c.decode(Double.self, forKey: .shift))
        case "normalize": self = .normalize(mean: try c.decode([Double].self, forKey: .mean),
                                            std: try c.decode([Double].self, forKey: .std))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c,
                                                   debugDescription: "unknown preprocessing '\(other)' (none, scale_shift, normalize)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .none: try c.encode("none", forKey: .kind)
        case .scaleShift(let scale, let shift):
            try c.encode("scale_shift", forKey: .kind)
            try c.encode(scale, forKey: .scale)
            try c.encode(shift, forKey: .shift)
        case .normalize(let mean, let std):
            try c.encode("normalize", forKey: .kind)
            try c.encode(mean, forKey: .mean)
            try c.encode(std, forKey: .std)
        }
    }
}

/// A named parameter tensor (a key of the weights file) and its shape.
public struct ParameterDescription: Codable, Sendable, Equatable {
    public var name: String
    public var shape: [Int]

    public init(_ name: String, _ shape: [Int]) {
        self.name = name
        self.shape = shape
    }
}

/// One node: a registered op applied to earlier nodes and to parameters.
///
/// The op's inputs are filled in the order the op declares them: an input whose
/// name appears in `parameters` takes that parameter; the others take the
/// nodes listed in `inputs`, in order (a variadic input, like cat's `tensors`,
/// takes all that remain). `"input"` names the preprocessed image.
public struct NodeDescription: Codable, Sendable, Equatable {
    public var name: String
    public var op: String
    public var inputs: [String]
    public var parameters: [String: String]
    public var attributes: [String: AttributeValue]

    public init(_ name: String, op: String, inputs: [String], parameters: [String: String] = [:],
                attributes: [String: AttributeValue] = [:]) {
        self.name = name
        self.op = op
        self.inputs = inputs
        self.parameters = parameters
        self.attributes = attributes
    }

    enum CodingKeys: String, CodingKey { case name, op, inputs, parameters, attributes }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        op = try c.decode(String.self, forKey: .op)
        inputs = try c.decode([String].self, forKey: .inputs)
        parameters = try c.decodeIfPresent([String: String].self, forKey: .parameters) ?? [:]
        attributes = try c.decodeIfPresent([String: AttributeValue].self, forKey: .attributes) ?? [:]
    }
}

extension ModelDescription {
    /// The name of the graph's input, usable as a node name.
    public static let inputNodeName = "input"

    /// Reads a description file, with errors that name the file.
    public static func read(path: String) throws -> ModelDescription {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw RefvisError("\(path): cannot read the model description (\(FileManager.default.fileExists(atPath: path) ? "unreadable" : "no such file"))")
        }
        return try decode(data, name: path)
    }

    /// Decodes a description, turning decoding errors into one line naming `name`.
    public static func decode(_ data: Data, name: String) throws -> ModelDescription {
        let description = try decodeJSON(ModelDescription.self, from: data, name: name, what: "model description")
        guard description.format == formatName else {
            throw RefvisError("\(name): format '\(description.format)' is not '\(formatName)'")
        }
        return description
    }

    /// The description as pretty-printed JSON with sorted keys (stable diffs).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
