import ReferenceCore
import ReferenceVis

/// `--optimizer` and its hyperparameters, with torch.optim's names.
enum OptimizerOptions {
    static let specs: [OptionSpec] = [
        OptionSpec("optimizer", value: "NAME", help: "adam (default), sgd, … (the list below)"),
        OptionSpec("lr", value: "RATE", help: "learning rate (default: the optimizer's own, below)"),
    ]

    /// The settings `--optimizer` and the hyperparameter options describe.
    /// Naming another optimizer starts from its own defaults.
    static func settings(_ arguments: ParsedArguments, current: OptimizerSettings) throws -> OptimizerSettings {
        var settings = current
        if let name = arguments.value("optimizer") {
            guard let kind = OptimizerKind(rawValue: name) else {
                throw RefvisError.usage("--optimizer: unknown optimizer '\(name)'; known optimizers: \(OptimizerKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if kind != settings.kind { settings = OptimizerSettings(kind: kind) }
        }
        if let text = arguments.value("lr") {
            guard let value = Double(text), value.isFinite, value > 0 else { throw RefvisError.usage("--lr: expected a positive number, got '\(text)'") }
            settings.lr = value
        }
        _ = try settings.make()
        return settings
    }
}
