import ReferenceCore
import ReferenceVis

/// `--optimizer` and its hyperparameters, each under torch.optim's own name
/// (`--betas 0.9,0.999`, `--weight_decay 0.01`, `--line_search_fn strong_wolfe`).
enum OptimizerOptions {
    static let specs: [OptionSpec] = [OptionSpec("optimizer", value: "NAME", help: "adam (default), sgd, … (the list below)")]
        + OptimizerHyperparameter.allCases.map { parameter in
            OptionSpec(parameter.rawValue, value: "VALUE",
                       help: parameter == .lr ? "learning rate (default: the optimizer's own, below)" : "torch.optim's \(parameter.rawValue) (optimizers that take it, below)")
        }

    /// The settings `--optimizer` and the hyperparameter options describe.
    /// Naming another optimizer starts from its own defaults; a
    /// hyperparameter the optimizer does not take is refused by name.
    static func settings(_ arguments: ParsedArguments, current: OptimizerSettings) throws -> OptimizerSettings {
        var settings = current
        if let name = arguments.value("optimizer") {
            let kind = try OptimizerKind(named: name)
            if kind != settings.kind { settings = OptimizerSettings(kind: kind) }
        }
        for parameter in OptimizerHyperparameter.allCases {
            if let text = arguments.value(parameter.rawValue) { try settings.set(parameter, parsing: text) }
        }
        _ = try settings.make()
        return settings
    }
}
