import ReferenceCore
import ReferenceIO
/// An optimizer updates parameters from their gradients, one step at a time.
///
/// refvis's optimizers follow PyTorch's `torch.optim` update rules and defaults
/// exactly, and they *minimize*: feature visualization minimizes
/// loss = −objective, as Lucid and Lucent do. Each optimizer keeps its own
/// state (moments, step count) for the list of parameters it was first
/// stepped with; the list's order and shapes must not change between steps
/// (a change throws). State is keyed by position in the list, as PyTorch's
/// optimizers key it by parameter.
///
/// Every optimizer can be driven the way PyTorch's `optimizer.step(closure)`
/// drives it: `step(_:evaluate:)` asks for the loss and gradients at the
/// current parameters, then steps. Gradient-only optimizers evaluate once
/// (the default implementation below); L-BFGS re-evaluates inside its line
/// search. A render loop that always calls `step(_:evaluate:)` works with all of them.
public protocol Optimizer {
    /// The optimizer's name as the command line spells it (e.g. "adam").
    var name: String { get }

    /// Updates `parameters` in place given the gradients of the loss at them.
    mutating func step(_ parameters: inout [Tensor], gradients: [Tensor]) throws

    /// Evaluates the loss and gradients at `parameters` (as often as the
    /// optimizer needs), updates `parameters` in place, and returns the loss
    /// at the parameters it was given, as PyTorch's `step(closure)` returns
    /// the closure's first loss.
    mutating func step(_ parameters: inout [Tensor],
                       evaluate: (_ parameters: [Tensor]) throws -> (loss: Double, gradients: [Tensor])) throws -> Double

    /// The optimizer's state (moments, step counts, L-BFGS's history) as named
    /// tensors, for a checkpoint: torch.optim's state keys with the parameter's
    /// position after a dot ("exp_avg.0"), counts as 0-d tensors, and the
    /// parameter shapes as "param_shape.0", …. Empty before the first step.
    /// Settings (lr, betas, …) are not part of it: they are `OptimizerSettings`.
    func stateTensors() -> [String: Tensor]

    /// Replaces the state with one `stateTensors()` exported, from an optimizer
    /// made with the same settings, so that the next steps are bitwise those
    /// the exporting optimizer would have taken. Throws a one-line error naming
    /// the entry if a name is missing or unexpected or a shape is wrong; on an
    /// error the state is left as it was.
    mutating func restoreState(_ state: [String: Tensor]) throws
}

extension Optimizer {
    /// One evaluation, then one gradient step.
    public mutating func step(_ parameters: inout [Tensor],
                              evaluate: (_ parameters: [Tensor]) throws -> (loss: Double, gradients: [Tensor])) throws -> Double {
        let (loss, gradients) = try evaluate(parameters)
        try step(&parameters, gradients: gradients)
        return loss
    }
}

/// An optimizer that must re-evaluate the loss within a step (L-BFGS). Its
/// gradient-only `step(_:gradients:)` throws; drive it with `step(_:evaluate:)`.
public protocol ClosureOptimizer: Optimizer {}
