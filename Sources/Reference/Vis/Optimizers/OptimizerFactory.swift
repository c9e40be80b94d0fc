import ReferenceCore
import ReferenceIO
/// The optimizers the command line can name, with what each name means and
/// its default learning rate, from `OptimizerKind.catalog`.
public let optimizerNames: [(name: String, summary: String)] = OptimizerKind.catalog.map { entry in
    (entry.kind.rawValue, "\(entry.summary) (lr \(formatDouble(entry.defaultLearningRate)))")
}

/// Makes the optimizer the command line names (see `optimizerNames`) with the
/// catalog's defaults and `learningRate`, or when nil the optimizer's own
/// default learning rate: `OptimizerSettings(kind:lr:).make()`. Unknown names
/// throw a usage error listing the known ones.
public func makeOptimizer(name: String, learningRate: Double? = nil) throws -> any Optimizer {
    try OptimizerSettings(kind: OptimizerKind(named: name), lr: learningRate).make()
}
