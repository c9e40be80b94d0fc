import Foundation
import ReferenceCore
import ReferenceIO

/// Where refvis finds files committed to its repository's `Fixtures` folder
/// at run time — above all the bundled model's weights.
///
/// The folder is `$REFVIS_FIXTURES` when that variable is set (for an
/// installed binary, or to try other weights), else the `Fixtures` folder of
/// the source tree refvis was built from, found from this source file's path
/// (`#filePath`, five folders up from `Sources/Reference/Vis/Models/Builtin`).
public enum RepositoryFixtures {
    /// The environment variable that overrides the folder.
    public static let environmentVariable = "REFVIS_FIXTURES"

    /// The `Fixtures` folder of the source tree this file was compiled from.
    public static var sourceTreeDirectory: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<6 { url.deleteLastPathComponent() }  // Fixtures.swift, Builtin, Models, Vis, Reference, Sources
        return url.appendingPathComponent("Fixtures").path
    }

    /// The value of `REFVIS_FIXTURES` in `environment`, if set and not empty.
    public static func environmentDirectory(
        _ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let value = environment[environmentVariable], !value.isEmpty else { return nil }
        return value
    }

    /// The folder in use: `$REFVIS_FIXTURES` if set, else the source tree's.
    public static func directory(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environmentDirectory(environment) ?? sourceTreeDirectory
    }

    /// The path of `relative` (e.g. "models/bundled.json") inside the folder
    /// in use, or an error naming both places refvis looks and how to fix it.
    /// `what` names the file in the error ("the bundled model's weights").
    public static func path(_ relative: String, what: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        let chosen = directory(environment) + "/" + relative
        if FileManager.default.fileExists(atPath: chosen) { return chosen }
        let sourceTreePath = sourceTreeDirectory + "/" + relative
        if let override = environmentDirectory(environment) {
            throw RefvisError("\(what) not found: no \(chosen) (\(environmentVariable)=\(override)); "
                + "with \(environmentVariable) unset refvis looks for \(sourceTreePath)")
        }
        throw RefvisError("\(what) not found: no \(sourceTreePath) (the Fixtures folder of the source tree refvis "
            + "was built from); set \(environmentVariable) to a folder that holds \(relative)")
    }
}

extension BundledModel {
    /// The committed files, relative to the fixtures folder.
    public static let descriptionFile = "models/bundled.json"
    public static let weightsFile = "models/bundled.safetensors"

    /// Loads the committed bundled model: the description file, which must
    /// equal `BundledModel.description` (so that the Swift code and the file
    /// cannot drift apart), and the weights, checked against it.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Model {
        let (weights, path) = try committedWeightsAndPath(environment: environment)
        return try wrap(path) { try Model(description, parameters: weights) }
    }

    /// The committed weights, after checking that the committed description
    /// equals `BundledModel.description` (the built-in model table's
    /// `bundledWeights`).
    public static func committedWeights(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [String: Tensor] {
        try committedWeightsAndPath(environment: environment).weights
    }

    private static func committedWeightsAndPath(environment: [String: String]) throws -> (weights: [String: Tensor], path: String) {
        let hint = "; run 'refvis train' to make it"
        let descriptionPath = try wrapMessage(hint) {
            try RepositoryFixtures.path(descriptionFile, what: "the bundled model's description", environment: environment)
        }
        let weightsPath = try wrapMessage(hint) {
            try RepositoryFixtures.path(weightsFile, what: "the bundled model's weights", environment: environment)
        }
        try checkCommitted(try ModelDescription.read(path: descriptionPath), path: descriptionPath)
        return (try SafeTensorsFile.read(path: weightsPath).tensors, weightsPath)
    }

    /// Throws unless `committed` (read from `path`) equals the description built here.
    public static func checkCommitted(_ committed: ModelDescription, path: String) throws {
        let built = description
        guard committed == built else {
            throw RefvisError("\(path) is not the bundled model that this refvis builds (it differs in "
                + differingFields(committed, built).joined(separator: ", ")
                + "); retrain with 'refvis train', or use the files that match this version of BundledModel.swift")
        }
    }

    /// The top-level fields in which two descriptions differ.
    static func differingFields(_ a: ModelDescription, _ b: ModelDescription) -> [String] {
        var fields = [String]()
        if a.format != b.format { fields.append("format") }
        if a.name != b.name { fields.append("name") }
        if a.summary != b.summary { fields.append("summary") }
        if a.input != b.input { fields.append("input") }
        if a.preprocessing != b.preprocessing { fields.append("preprocessing") }
        if a.parameters != b.parameters { fields.append("parameters") }
        if a.nodes != b.nodes { fields.append("nodes") }
        if a.aliases != b.aliases { fields.append("aliases") }
        if a.logits != b.logits { fields.append("logits") }
        if a.classes != b.classes { fields.append("classes") }
        return fields
    }

    /// Appends `suffix` to the message of a RefvisError thrown by `body`.
    private static func wrapMessage<T>(_ suffix: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as RefvisError {
            throw RefvisError(error.message + suffix, kind: error.kind)
        }
    }
}

/// The bundled model with its committed weights (see `BundledModel.load()`).
public func bundledModel() throws -> Model {
    try BundledModel.load()
}
