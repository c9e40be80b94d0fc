import Foundation
import ReferenceCore

// TEMPORARY: stand-ins for the typed transform and optimizer catalogs being
// written on other branches; removed when those land.

public struct TransformSpec: SpecText {
    public let text: String
    public init(parsing text: String, option: String) throws {
        _ = try transformPipeline(text)
        self.text = text
    }
    public static let standard: [TransformSpec] = [try! TransformSpec(parsing: "standard", option: "")]
    public static func check(_ specs: [TransformSpec], height: Int, width: Int, option: String) throws {}
    public static func pipeline(_ specs: [TransformSpec]) throws -> TransformPipeline {
        TransformPipeline(try specs.flatMap { try transformPipeline($0.text).transforms })
    }
}

public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    case sgd, momentum, nesterov, adam, adamw, rmsprop, adagrad, adadelta, lbfgs, lbfgs_strong_wolfe, normalized_l2, normalized_std
}

public struct OptimizerSettings: Codable, Sendable, Equatable {
    public var kind: OptimizerKind
    public var lr: Double?
    public init(kind: OptimizerKind, lr: Double? = nil) { self.kind = kind; self.lr = lr }
    public func make() throws -> any Optimizer { try makeOptimizer(name: kind.rawValue, learningRate: lr ?? (kind == .adam ? 0.05 : nil)) }
}

/// The transforms `--transforms` names: `standard` (Lucent's standard
/// transforms), `lucid` (Lucid's), `none`, or a comma list of jitter:D,
/// lucid_jitter:D, reflect_jitter:TAU, roll:D, pad:W (constant 0.5), scale,
/// lucid_scale, rotate, lucid_rotate (the last four with the standard scales
/// and angles).
public func transformPipeline(_ text: String) throws -> TransformPipeline {
    switch text {
    case "standard": return TransformPipeline(try StandardTransforms.lucent())
    case "lucid": return TransformPipeline(try StandardTransforms.lucid())
    case "none": return TransformPipeline([])
    default: break
    }
    var list = [any Transform]()
    for item in text.split(separator: ",") {
        let parts = item.split(separator: ":", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
        func argument() throws -> Int {
            guard parts.count == 2, let n = Int(parts[1]) else {
                throw RefvisError.usage("--transforms: '\(item)' needs a whole number, as \(parts[0]):8")
            }
            return n
        }
        switch parts[0] {
        case "jitter": list.append(try LucentJitter(argument()))
        case "lucid_jitter": list.append(try LucidJitter(argument()))
        case "reflect_jitter": list.append(try ReflectJitter(tau: argument()))
        case "roll": list.append(try RollJitter(maxJitter: argument()))
        case "pad": list.append(try PadTransform(argument(), fill: .constant(0.5)))
        case "scale": list.append(try LucentRandomScale(StandardTransforms.scales))
        case "lucid_scale": list.append(try LucidRandomScale(StandardTransforms.scales))
        case "rotate": list.append(try LucentRandomRotate(StandardTransforms.angles))
        case "lucid_rotate": list.append(try LucidRandomRotate(StandardTransforms.angles))
        default:
            throw RefvisError.usage("--transforms: unknown transform '\(parts[0])' (jitter, lucid_jitter, reflect_jitter, roll, pad, scale, lucid_scale, rotate, lucid_rotate)")
        }
    }
    return TransformPipeline(list)
}

extension Optimizer {
    public func stateTensors() -> [String: Tensor] { [:] }
    public mutating func restoreState(_ state: [String: Tensor]) throws {}
}

extension TransformSpec { public static var helpLines: [String] { ["(pending)"] } }
extension OptimizerSettings { public static var helpLines: [String] { OptimizerKind.allCases.map(\.rawValue) } }
