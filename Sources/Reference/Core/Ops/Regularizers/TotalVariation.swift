// Total variation of images, the smoothness penalty of feature visualization:
// the anisotropic l1 form of tf.image.total_variation (Lucid's
// objectives.total_variation) and the squared form of the seeds' TV terms
// (Σ‖I(i+1) − I(i)‖², and neural-style's per-direction means).

/// The penalty applied to each difference of neighbouring pixels.
public enum TotalVariationKind: String, AttributeChoice {
    /// |d| — tf.image.total_variation, anisotropic.
    case l1
    /// d² — the squared TV of the regularization notes and neural-style.
    case squared
}

/// How the differences of one image are combined.
public enum TotalVariationReduction: String, AttributeChoice {
    /// Σ over vertical differences + Σ over horizontal differences.
    case sum
    /// Each direction's sum divided by its number of differences, then added.
    case mean
}

/// The counts by which `mean` divides: C·(H−1)·W vertical and C·H·(W−1)
/// horizontal differences per image; `sum` divides by 1.
private func divisors(_ layout: ImageLayout, _ reduction: TotalVariationReduction) throws -> (vertical: Double, horizontal: Double) {
    guard reduction == .mean else { return (1, 1) }
    let vertical = layout.channels * max(layout.height - 1, 0) * layout.width
    let horizontal = layout.channels * layout.height * max(layout.width - 1, 0)
    guard vertical > 0, horizontal > 0 else {
        throw RefvisError("total_variation: reduction 'mean' needs C >= 1, H >= 2 and W >= 2 (a direction without differences has no mean), got input shape \(formatShape(layout.shape))")
    }
    return (Double(vertical), Double(horizontal))
}

/// The total variation of each image of a batch:
///
///     TV(x) = Σ_{c,i,j} φ(x[c,i+1,j] − x[c,i,j]) / n_v + Σ_{c,i,j} φ(x[c,i,j+1] − x[c,i,j]) / n_h
///
/// with φ(d) = |d| (`kind` l1) or d² (`kind` squared), and n_v = n_h = 1
/// (`reduction` sum) or the numbers of differences n_v = C·(H−1)·W and
/// n_h = C·H·(W−1) (`reduction` mean; then H and W must be at least 2).
///
/// Shapes: (N, C, H, W) → (N,), one value per image; (C, H, W) → ().
/// - l1 + sum is `tf.image.total_variation` (NCHW instead of NHWC; same
///   numbers), which Lucid's `objectives.total_variation` returns.
/// - squared + sum is the TV(I) = Σᵢ‖I(i+1) − I(i)‖² of the regularization notes.
/// - squared + mean is neural-style's `tv_loss / tv_weight` =
///   Σ dy² / size(dy) + Σ dx² / size(dx) for one image (its sizes count the
///   batch of 1 it uses).
/// Each direction is summed in index order, vertical first.
public func totalVariation(_ input: Tensor, kind: TotalVariationKind = .l1,
                          reduction: TotalVariationReduction = .sum) throws -> Tensor {
    let layout = try ImageLayout(input.shape, op: "total_variation")
    let (nv, nh) = try divisors(layout, reduction)
    let (h, w) = (layout.height, layout.width)
    let x = input.scalars
    var result = [Double](repeating: 0, count: layout.batch)
    for n in 0..<layout.batch {
        var vertical = 0.0, horizontal = 0.0
        for c in 0..<layout.channels {
            let base = (n * layout.channels + c) * layout.area
            for i in 0..<max(h - 1, 0) {
                for j in 0..<w {
                    let d = x[base + (i + 1) * w + j] - x[base + i * w + j]
                    vertical += kind == .l1 ? abs(d) : d * d
                }
            }
        }
        for c in 0..<layout.channels {
            let base = (n * layout.channels + c) * layout.area
            for i in 0..<h {
                for j in 0..<max(w - 1, 0) {
                    let d = x[base + i * w + j + 1] - x[base + i * w + j]
                    horizontal += kind == .l1 ? abs(d) : d * d
                }
            }
        }
        result[n] = vertical / nv + horizontal / nh
    }
    return Tensor(shape: layout.perImageShape([]), scalars: result)
}

/// The VJP of `totalVariation`: each difference d = x[b] − x[a] passes
/// ḡ·φ′(d)/n to x[b] and its negative to x[a], with φ′(d) = sign(d) (0 at
/// d = 0, as torch.abs and TF's abs) for l1 and 2d for squared; ḡ is the
/// image's output cotangent.
public func totalVariationBackward(_ gradOutput: Tensor, input: Tensor, kind: TotalVariationKind = .l1,
                                  reduction: TotalVariationReduction = .sum) throws -> Tensor {
    let layout = try ImageLayout(input.shape, op: "total_variation")
    try gradOutput.requireShape(layout.perImageShape([]), "total_variation backward: output gradient")
    let (nv, nh) = try divisors(layout, reduction)
    let (h, w) = (layout.height, layout.width)
    let x = input.scalars
    var grad = [Double](repeating: 0, count: x.count)
    func slope(_ d: Double) -> Double {
        kind == .squared ? 2 * d : (d > 0 ? 1 : (d < 0 ? -1 : 0))
    }
    for n in 0..<layout.batch {
        let gv = gradOutput.scalars[n] / nv, gh = gradOutput.scalars[n] / nh
        for c in 0..<layout.channels {
            let base = (n * layout.channels + c) * layout.area
            for i in 0..<max(h - 1, 0) {
                for j in 0..<w {
                    let a = base + i * w + j, b = a + w
                    let share = gv * slope(x[b] - x[a])
                    grad[b] += share
                    grad[a] -= share
                }
            }
            for i in 0..<h {
                for j in 0..<max(w - 1, 0) {
                    let a = base + i * w + j, b = a + 1
                    let share = gh * slope(x[b] - x[a])
                    grad[b] += share
                    grad[a] -= share
                }
            }
        }
    }
    return Tensor(shape: input.shape, scalars: grad)
}

extension OpRegistry {
    static let totalVariationOp = OpDefinition(
        name: "total_variation",
        summary: "per-image sum of phi(x[i+1,j]-x[i,j]) + phi(x[i,j+1]-x[i,j]), phi = |d| (tf.image.total_variation) or d^2; mean divides each direction by its count",
        inputs: [OpInput("input")],
        attributes: [
            AttributeSpec("kind", TotalVariationKind.self, default: .l1,
                          "l1: |d| (tf.image.total_variation, Lucid); squared: d^2"),
            AttributeSpec("reduction", TotalVariationReduction.self, default: .sum,
                          "sum: add all differences; mean: divide each direction by its number of differences (neural-style)"),
        ],
        forward: { inputs, attributes in
            [try totalVariation(inputs[0], kind: attributes.choice(TotalVariationKind.self, "kind"),
                                reduction: attributes.choice(TotalVariationReduction.self, "reduction"))]
        },
        vjp: { inputs, _, cotangents, attributes in
            [try totalVariationBackward(cotangents[0], input: inputs[0], kind: attributes.choice(TotalVariationKind.self, "kind"),
                                        reduction: attributes.choice(TotalVariationReduction.self, "reduction"))]
        },
        samples: { rng in
            // Distinct, well-spaced values keep every difference far from the
            // kink of |d| at 0.
            let configurations: [(shape: [Int], kind: TotalVariationKind, reduction: TotalVariationReduction)] = [
                ([2, 2, 3, 4], .l1, .sum),
                ([3, 5, 4], .l1, .mean),
                ([1, 1, 1, 5], .l1, .sum),
                ([2, 1, 4, 3], .squared, .sum),
                ([1, 3, 3, 2], .squared, .mean),
                ([2, 3, 2], .squared, .sum),
            ]
            return configurations.map { c in
                OpSample("\(c.kind.rawValue) \(c.reduction.rawValue) shape=\(formatShape(c.shape))",
                         inputs: [spacedValues(c.shape, &rng)],
                         attributes: ["kind": c.kind.attributeValue, "reduction": c.reduction.attributeValue])
            }
        })
}
