import Foundation
import ReferenceCore
import ReferenceIO

/// A model refvis knows by name: its description is built by Swift code.
public struct BuiltinModel: Sendable {
    public let name: String
    /// One line for `refvis models`.
    public let summary: String
    public let build: @Sendable () -> ModelDescription
    /// The model's own weights, for a model that ships with refvis; nil when
    /// the weights must come from a file (`--weights FILE.pth` or `FILE.safetensors`).
    public let bundledWeights: (@Sendable () throws -> [String: Tensor])?

    public init(name: String, summary: String, build: @escaping @Sendable () -> ModelDescription,
                bundledWeights: (@Sendable () throws -> [String: Tensor])? = nil) {
        self.name = name
        self.summary = summary
        self.build = build
        self.bundledWeights = bundledWeights
    }
}

/// The table of built-in models.
public enum BuiltinModels {
    /// Every built-in model, in the order `refvis models` lists them.
    public static let all: [BuiltinModel] = architectures + bundled

    /// Published architectures; their weights are converted from PyTorch
    /// (Docs/models.md shows how) and given with `--weights`.
    static let architectures: [BuiltinModel] = [
        BuiltinModel(name: "inceptionv1",
                     summary: "InceptionV1/GoogLeNet as Lucid's inception5h (Lucent's keys), TensorFlow's LRN; 224×224, 1008 classes",
                     build: { inceptionV1Description(lrn: .tensorflow) }),
        BuiltinModel(name: "inceptionv1_lucent",
                     summary: "InceptionV1 with Lucent's LRN (size 9, k 1) instead of TensorFlow's, to reproduce Lucent exactly",
                     build: { inceptionV1Description(lrn: .lucent) }),
        BuiltinModel(name: "vgg16",
                     summary: "VGG16 as torchvision's vgg16() (features.N / classifier.N, aliases conv1_1 … pool5); 224×224, 1000 classes",
                     build: { vggDescription(.vgg16) }),
        BuiltinModel(name: "vgg19",
                     summary: "VGG19 as torchvision's vgg19() (features.N / classifier.N, aliases conv1_1 … pool5); 224×224, 1000 classes",
                     build: { vggDescription(.vgg19) }),
    ]

    /// Models whose weights ship with refvis (each with `bundledWeights`).
    /// The bundled model goes here.
    static let bundled: [BuiltinModel] = [
        BuiltinModel(name: BundledModel.name,
                     summary: "refvis's own pattern classifier (stripes, checkerboards, rings, dots, blobs, waves), trained by 'refvis train'; any size ≥ 4",
                     build: { BundledModel.description },
                     bundledWeights: { try BundledModel.committedWeights() }),
    ]

    /// The built-in model called `name`, if any.
    public static func named(_ name: String) -> BuiltinModel? {
        all.first { $0.name == name }
    }

    public static var names: [String] { all.map(\.name) }
}

/// Resolves the MODEL argument of the command line: the name of a built-in
/// model, or else the path of a JSON description file. A built-in name wins
/// over a file of the same name in the working directory (write `./NAME` for
/// the file).
public enum ModelLoader {
    /// The description `model` names; a file's description is checked
    /// (ops, inputs, parameters, attributes) with errors that name the file.
    public static func description(_ model: String) throws -> ModelDescription {
        if let builtin = BuiltinModels.named(model) { return builtin.build() }
        if FileManager.default.fileExists(atPath: model) || model.contains("/") || model.hasSuffix(".json") {
            let description = try ModelDescription.read(path: model)
            // Graph errors name the file too.
            try wrap(model) { try description.check() }
            return description
        }
        throw RefvisError.usage("unknown model '\(model)': not a built-in model (\(BuiltinModels.names.joined(separator: ", "))) and no such file")
    }

    /// The model `model` names with its weights (see `model(for:named:weightsPath:)`).
    public static func load(_ model: String, weightsPath: String?) throws -> Model {
        try self.model(for: description(model), named: model, weightsPath: weightsPath)
    }

    /// `description` (which the MODEL argument `model` named) with its
    /// weights: from `weightsPath` (a PyTorch checkpoint or a safetensors file) when given, else the
    /// built-in model's bundled weights, else none if it has no parameters;
    /// an error otherwise.
    public static func model(for description: ModelDescription, named model: String, weightsPath: String?) throws -> Model {
        if let weightsPath { return try Model.load(description, weightsPath: weightsPath) }
        if let weights = BuiltinModels.named(model)?.bundledWeights {
            return try Model(description, parameters: weights())
        }
        if description.parameters.isEmpty { return try Model(description, parameters: [:]) }
        throw RefvisError.usage("model '\(description.name)' needs weights: give --weights FILE.pth (a PyTorch checkpoint, e.g. Lucent's or torchvision's) or FILE.safetensors (Docs/models.md)")
    }
}

extension ModelDescription {
    /// Checks the graph without weights: ops exist, node names are unique,
    /// inputs are earlier nodes, parameters are declared, attributes are valid.
    public func check() throws {
        _ = try Model.compile(self)
    }
}
