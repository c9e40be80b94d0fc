import ReferenceCore
import ReferenceIO
/// Which side of an alpha composite receives gradients.
public enum CompositeGradients: String, Sendable, CaseIterable {
    /// `t_flat` of the transparency notebook (seed 003):
    /// rgb·α + (1 − α)·stop_gradient(bg) — the colours and the opacity learn, the background does not.
    case foreground
    /// `t_flat_` of the notebook:
    /// stop_gradient(rgb·α) + stop_gradient(1 − α)·bg — only the background learns.
    case background
}

/// An image composited over a background, `rgb·α + (1 − α)·bg` (the "over" operator
/// with a straight alpha), with gradients routed to one side by `detach` exactly as
/// seed 003 does with `tf.stop_gradient`:
///
///     foreground: rgb·α + (1 − α)·detach(bg)
///     background: detach(rgb·α) + detach(1 − α)·bg
///
/// Values are the same either way; only the gradients differ. Shapes broadcast (`mul`,
/// `add`): typically rgb (B, 3, H, W), α (B, 1, H, W), bg (B or 1, 3, H, W).
public func alphaComposite(on tape: Tape, rgb: Variable, alpha: Variable, background: Variable,
                           gradients: CompositeGradients) throws -> Variable {
    let one = tape.variable(Tensor(scalar: 1))
    switch gradients {
    case .foreground:
        let front = try tape.mul(rgb, alpha)
        let behind = try tape.mul(try tape.sub(one, alpha), tape.detach(background))
        return try tape.add(front, behind)
    case .background:
        let front = tape.detach(try tape.mul(rgb, alpha))
        let transmitted = tape.detach(try tape.sub(one, alpha))
        return try tape.add(front, try tape.mul(transmitted, background))
    }
}

/// Seed 003's optimization input `tf.concat([t_flat, t_flat_], axis=0)`: the composite
/// that trains the foreground, then the one that trains the background, along the batch
/// dimension — so one objective (e.g. a channel on batch 0 minus the channel on batch 1
/// for an adversarial background) updates each side through its own half.
public func alphaCompositeBothWays(on tape: Tape, rgb: Variable, alpha: Variable, background: Variable) throws -> Variable {
    let front = try alphaComposite(on: tape, rgb: rgb, alpha: alpha, background: background, gradients: .foreground)
    let back = try alphaComposite(on: tape, rgb: rgb, alpha: alpha, background: background, gradients: .background)
    return try tape.cat([front, back], dim: 0)
}
