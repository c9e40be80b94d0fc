import ReferenceCore
import ReferenceIO
// Redirected ReLU: deliberately *not* the gradient of relu.
//
// At the start of a visualization many units are off for every position of an
// image, so the true gradient through them is zero and the optimizer cannot
// start. Lucid and Lucent let some gradient through. Both rules here are
// checked against their definitions in the tests, and kept out of the gradient
// checks, since they are not derivatives of anything.
//
// In both, `cotangent` is the gradient of the loss being *minimized*
// (loss = −objective), as in TensorFlow and PyTorch.

/// Lucid's rule (lucid/misc/redirected_relu_grad.py), for one batch:
///
///     relu_grad  = ȳ where x ≥ 0, else 0
///     redirected = 0 where x < 0 and ȳ > 0 (the step would push x further down), else ȳ
///     per example n: x̄ₙ = relu_gradₙ if ‖relu_gradₙ‖₂ > 0, else redirectedₙ
///
/// Lucid applies it during the first 16 optimization steps only
/// (`ReluGradientRule.lucidRedirected(step:)`). The first dimension is the
/// batch (Lucid reshapes to [batch, −1]); a scalar has none and is refused.
public func lucidRedirectedReluVJP(input: Tensor, cotangent: Tensor) throws -> Tensor {
    try cotangent.requireShape(input.shape, "redirected relu: output gradient")
    guard input.rank >= 1 else {
        throw RefvisError("redirected relu (Lucid's): the relu's input is a scalar, with no batch dimension to take norms over")
    }
    let batch = input.shape[0]
    let perExample = input.count / max(batch, 1)
    var result = cotangent.scalars
    for n in 0..<batch {
        let range = (n * perExample)..<((n + 1) * perExample)
        var normSquared = 0.0
        for i in range where input.scalars[i] >= 0 { normSquared += cotangent.scalars[i] * cotangent.scalars[i] }
        for i in range {
            let x = input.scalars[i], g = cotangent.scalars[i]
            if normSquared > 0 {
                result[i] = x < 0 ? 0 : g
            } else {
                result[i] = (x < 0 && g > 0) ? 0 : g
            }
        }
    }
    return Tensor(shape: input.shape, scalars: result)
}

/// Lucent's rule (lucent/modelzoo/inceptionv1/helper_layers.py `RedirectedReLU`):
/// x̄ = ȳ where x ≥ 0, and 0.1·ȳ where x < 0 — at every step.
public func lucentRedirectedReluVJP(input: Tensor, cotangent: Tensor) throws -> Tensor {
    try cotangent.requireShape(input.shape, "redirected relu: output gradient")
    return input.zipMap(cotangent) { x, g in x < 0 ? 0.1 * g : g }
}
