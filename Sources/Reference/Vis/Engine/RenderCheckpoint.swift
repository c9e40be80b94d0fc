import Foundation
import ReferenceCore
import ReferenceIO

/// A run's whole state in one file, written atomically every N steps, from
/// which `refvis render --resume` continues bitwise as if never stopped.
///
/// The file is safetensors (float64), so any language can open it:
///
///     parameter.K            the K-th parameter tensor
///     optimizer.NAME         the optimizer's state (moments, counters)
///     losses                 the loss of every step so far
///     snapshot.K             the K-th kept image
///     __metadata__           format "refvis-checkpoint/1", recipe (JSON),
///                            step, rng (state and increment, decimal),
///                            trace (JSON), snapshot_steps (comma list)
public enum RenderCheckpoint {
    public static let format = "refvis-checkpoint/1"

    /// Writes `state` of a run of `recipe` to `path` (atomically).
    public static func write(_ state: RenderState, recipe: RenderRecipe, to path: String) throws {
        var tensors = [String: Tensor]()
        for (k, p) in state.parameters.enumerated() { tensors["parameter.\(k)"] = p }
        for (name, t) in state.optimizer.stateTensors() { tensors["optimizer.\(name)"] = t }
        tensors["losses"] = Tensor(shape: [state.losses.count], scalars: state.losses)
        for (k, s) in state.snapshots.enumerated() { tensors["snapshot.\(k)"] = s.image }
        let rng = state.rng.savedState
        let metadata = [
            "format": format,
            "recipe": String(decoding: try recipe.encoded(), as: UTF8.self),
            "step": "\(state.step)",
            "rng": "\(rng.state),\(rng.increment)",
            "trace": String(decoding: try state.trace.encoded(), as: UTF8.self),
            "snapshot_steps": state.snapshots.map { "\($0.step)" }.joined(separator: ","),
        ]
        try SafeTensorsFile(tensors: tensors, metadata: metadata).write(to: path, dtype: .f64)
    }

    /// The recipe stored in the checkpoint at `path`.
    public static func recipe(at path: String) throws -> RenderRecipe {
        let file = try SafeTensorsFile.read(path: path)
        try checkFormat(file, path)
        return try RenderRecipe.decode(Data(try field("recipe", file, path).utf8), name: "\(path) (recipe)")
    }

    /// The state stored at `path`, for `engine` (made from the stored recipe).
    public static func state(at path: String, engine: RenderEngine) throws -> RenderState {
        let file = try SafeTensorsFile.read(path: path)
        try checkFormat(file, path)
        guard let step = Int(try field("step", file, path)), (0...engine.recipe.steps).contains(step) else {
            throw RefvisError("\(path): checkpoint step is not a step of the run (0…\(engine.recipe.steps))")
        }
        let rngParts = try field("rng", file, path).split(separator: ",").compactMap { UInt64($0) }
        guard rngParts.count == 2 else { throw RefvisError("\(path): checkpoint rng is not 'state,increment'") }
        let rng = try RandomGenerator(savedState: rngParts[0], increment: rngParts[1])
        let phase = engine.phase(ofStep: max(step, 1))
        let shapes = engine.parameterizations[phase].parameterShapes
        let parameters = try shapes.indices.map { k -> Tensor in
            guard let t = file.tensors["parameter.\(k)"], t.shape == shapes[k] else {
                throw RefvisError("\(path): checkpoint parameter.\(k) is missing or not of shape \(formatShape(shapes[k]))")
            }
            return t
        }
        var optimizer = try engine.recipe.optimizer.make()
        let optimizerState = Dictionary(uniqueKeysWithValues: file.tensors.compactMap { key, value in
            key.hasPrefix("optimizer.") ? (String(key.dropFirst("optimizer.".count)), value) : nil
        })
        try wrap("\(path): checkpoint optimizer state") { try optimizer.restoreState(optimizerState) }
        guard let losses = file.tensors["losses"], losses.shape == [step] else {
            throw RefvisError("\(path): checkpoint losses missing or not \(step) long")
        }
        let snapshotSteps = try field("snapshot_steps", file, path).split(separator: ",").map { text -> Int in
            guard let n = Int(text) else { throw RefvisError("\(path): checkpoint snapshot_steps is not a list of steps") }
            return n
        }
        let snapshots = try snapshotSteps.enumerated().map { k, s -> (step: Int, image: Tensor) in
            guard let image = file.tensors["snapshot.\(k)"] else { throw RefvisError("\(path): checkpoint snapshot.\(k) is missing") }
            let phaseShape = engine.parameterizations[engine.phase(ofStep: max(s, 1))].imageShape
            guard (1...step).contains(s), image.shape == phaseShape else {
                throw RefvisError("\(path): checkpoint snapshot.\(k) (step \(s), shape \(formatShape(image.shape))) is not an image of this run, \(formatShape(phaseShape)) at a step ≤ \(step)")
            }
            return (s, image)
        }
        let trace = try TransformTrace.decode(Data(try field("trace", file, path).utf8), name: "\(path) (trace)")
        return RenderState(step: step, parameters: parameters, optimizer: optimizer, rng: rng, trace: trace,
                           losses: losses.scalars, snapshots: snapshots)
    }

    static func checkFormat(_ file: SafeTensorsFile, _ path: String) throws {
        guard file.metadata["format"] == format else {
            throw RefvisError("\(path): not a refvis checkpoint (metadata format is '\(file.metadata["format"] ?? "missing")', expected '\(format)')")
        }
    }

    static func field(_ name: String, _ file: SafeTensorsFile, _ path: String) throws -> String {
        guard let value = file.metadata[name] else { throw RefvisError("\(path): checkpoint has no '\(name)'") }
        return value
    }
}
