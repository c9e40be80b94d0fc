import ReferenceCore
import ReferenceIO
/// The optimizers the command line can name, with what each name means.
/// Every one takes PyTorch's defaults apart from the learning rate when given.
public let optimizerNames: [(name: String, summary: String)] = [
    ("sgd", "torch.optim.SGD (lr 1e-3)"),
    ("momentum", "torch.optim.SGD with momentum 0.9 (lr 1e-3)"),
    ("nesterov", "torch.optim.SGD with Nesterov momentum 0.9 (lr 1e-3)"),
    ("adam", "torch.optim.Adam (lr 1e-3)"),
    ("adamw", "torch.optim.AdamW, weight decay 1e-2 (lr 1e-3)"),
    ("rmsprop", "torch.optim.RMSprop (lr 1e-2)"),
    ("adagrad", "torch.optim.Adagrad (lr 1e-2)"),
    ("adadelta", "torch.optim.Adadelta (lr 1)"),
    ("lbfgs", "torch.optim.LBFGS without line search (lr 1)"),
    ("lbfgs_strong_wolfe", "torch.optim.LBFGS with line_search_fn='strong_wolfe' (lr 1)"),
    ("normalized_l2", "descent on g/||g||, the Keras seed's l2_normalize (lr 2)"),
    ("normalized_std", "descent on g/(std(g) + 1e-9), MATLAB DeepDream's normalization (lr 1)"),
]

/// Makes the optimizer the command line names (see `optimizerNames`), with
/// `learningRate` or, when nil, the optimizer's default: PyTorch's for the
/// torch.optim ones, the Keras seed's 2.0 for normalized_l2, and 1.0 for
/// normalized_std (the MATLAB seed does not state its step size; with a unit-std
/// gradient 1.0 moves each element by about one unit, so pass a smaller
/// rate for images in [0, 1]). Unknown names throw a usage error listing the known ones.
public func makeOptimizer(name: String, learningRate: Double? = nil) throws -> any Optimizer {
    switch name {
    case "sgd": return try SGD(lr: learningRate ?? 1e-3)
    case "momentum": return try SGD(lr: learningRate ?? 1e-3, momentum: 0.9)
    case "nesterov": return try SGD(lr: learningRate ?? 1e-3, momentum: 0.9, nesterov: true)
    case "adam": return try Adam(lr: learningRate ?? 1e-3)
    case "adamw": return try AdamW(lr: learningRate ?? 1e-3)
    case "rmsprop": return try RMSprop(lr: learningRate ?? 1e-2)
    case "adagrad": return try Adagrad(lr: learningRate ?? 1e-2)
    case "adadelta": return try Adadelta(lr: learningRate ?? 1)
    case "lbfgs": return try LBFGS(lr: learningRate ?? 1)
    case "lbfgs_strong_wolfe": return try LBFGS(lr: learningRate ?? 1, lineSearch: .strongWolfe)
    case "normalized_l2": return try NormalizedGradient(lr: learningRate ?? 2, normalization: .l2)
    case "normalized_std": return try NormalizedGradient(lr: learningRate ?? 1, normalization: .std)
    default:
        let known = optimizerNames.map(\.name).joined(separator: ", ")
        throw RefvisError.usage("unknown optimizer '\(name)'; known optimizers: \(known)")
    }
}
