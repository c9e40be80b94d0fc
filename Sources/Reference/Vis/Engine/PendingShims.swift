import Foundation
import ReferenceCore

// TEMPORARY: stand-ins for the typed transform and optimizer catalogs being
// written on other branches; removed when those land.

public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    case sgd, momentum, nesterov, adam, adamw, rmsprop, adagrad, adadelta, lbfgs, lbfgs_strong_wolfe, normalized_l2, normalized_std
}

public struct OptimizerSettings: Codable, Sendable, Equatable {
    public var kind: OptimizerKind
    public var lr: Double?
    public init(kind: OptimizerKind, lr: Double? = nil) { self.kind = kind; self.lr = lr }
    public func make() throws -> any Optimizer { try makeOptimizer(name: kind.rawValue, learningRate: lr ?? (kind == .adam ? 0.05 : nil)) }
}

extension Optimizer {
    public func stateTensors() -> [String: Tensor] { [:] }
    public mutating func restoreState(_ state: [String: Tensor]) throws {}
}

extension OptimizerSettings { public static var helpLines: [String] { OptimizerKind.allCases.map(\.rawValue) } }
