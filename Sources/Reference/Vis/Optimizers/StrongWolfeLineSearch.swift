import ReferenceCore
import ReferenceIO
// The line search of `torch.optim.LBFGS(line_search_fn="strong_wolfe")`:
// PyTorch's `_strong_wolfe` and `_cubic_interpolate` (themselves ported from
// Lua torch's optim, after Nocedal & Wright's Algorithms 3.5 and 3.6), with
// the same bracketing, zoom, safeguards and counting, so that refvis's L-BFGS
// takes the same steps as PyTorch's.

/// Python's two-argument `max`: the first argument unless the second is larger
/// (so a NaN first argument survives, as it does in PyTorch's line search).
@inline(__always)
private func pythonMax(_ a: Double, _ b: Double) -> Double { b > a ? b : a }

/// Python's two-argument `min`: the first argument unless the second is smaller.
@inline(__always)
private func pythonMin(_ a: Double, _ b: Double) -> Double { b < a ? b : a }

/// Σ aᵢ bᵢ in index order.
func dot(_ a: [Double], _ b: [Double]) -> Double {
    var total = 0.0
    for i in 0..<a.count { total += a[i] * b[i] }
    return total
}

/// The minimizer of the cubic through (x1, f1) and (x2, f2) with slopes g1 and
/// g2, clamped to `bounds` (default: the interval between x1 and x2). When the
/// cubic has no minimum (d1² − g1·g2 < 0) it returns the middle of the bounds.
///
///     d1 = g1 + g2 − 3·(f1 − f2)/(x1 − x2),   d2 = √(d1² − g1·g2)
///     x* = x2 − (x2 − x1)·(g2 + d2 − d1)/(g2 − g1 + 2·d2)     if x1 ≤ x2 (mirrored otherwise)
///
/// PyTorch's `_cubic_interpolate`. For a quadratic (a cubic with no cubic
/// term) x* is the quadratic's exact minimizer.
public func cubicInterpolate(_ x1: Double, _ f1: Double, _ g1: Double,
                             _ x2: Double, _ f2: Double, _ g2: Double,
                             bounds: (Double, Double)? = nil) -> Double {
    let (lower, upper) = bounds ?? (x1 <= x2 ? (x1, x2) : (x2, x1))
    let d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    let d2Square = d1 * d1 - g1 * g2
    guard d2Square >= 0 else { return (lower + upper) / 2 }
    let d2 = d2Square.squareRoot()
    let minimum = x1 <= x2
        ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return pythonMin(pythonMax(minimum, lower), upper)
}

/// What a line search found: the accepted step, the loss and gradient there,
/// and how many times it evaluated the objective.
public struct LineSearchResult: Sendable {
    public var loss: Double
    public var gradient: [Double]
    public var step: Double
    public var evaluations: Int
}

/// A line search along `direction` for a step satisfying the strong Wolfe conditions
///
///     f(x + t·d) ≤ f(x) + c1·t·gᵀd     and     |∇f(x + t·d)ᵀd| ≤ −c2·gᵀd,
///
/// exactly as PyTorch's `_strong_wolfe`: starting from `step`, it extrapolates
/// (cubic interpolation bounded to [t + 0.01·(t − t_prev), 10·t]) until it
/// brackets an acceptable step or meets one, then zooms into the bracket by
/// cubic interpolation, moving a point that lands within 10 % of an end away
/// from it after one round of insufficient progress. It stops after
/// `maxLineSearch` evaluations beyond the first, or when the bracket's width
/// times max|dᵢ| falls below `toleranceChange`, and returns the bracket's lower
/// point. If the extrapolation runs out of evaluations it returns the better
/// of step 0 and the last step.
///
/// - Parameters:
///   - objective: the loss and flat gradient at x + t·d for a step t.
///   - loss, gradient, directionalDerivative: f(x), ∇f(x) and gᵀd (< 0 for a descent direction).
public func strongWolfeLineSearch(
    _ objective: (_ step: Double) throws -> (loss: Double, gradient: [Double]),
    step initialStep: Double, direction: [Double],
    loss: Double, gradient: [Double], directionalDerivative gtd: Double,
    c1: Double = 1e-4, c2: Double = 0.9, toleranceChange: Double = 1e-9, maxLineSearch: Int = 25
) throws -> LineSearchResult {
    let f = loss
    var directionNorm = 0.0
    // torch's d.abs().max(): a NaN anywhere makes the norm NaN.
    for value in direction { directionNorm = directionNorm.isNaN || value.isNaN ? .nan : max(directionNorm, abs(value)) }

    var t = initialStep
    var (fNew, gNew) = try objective(t)
    var evaluations = 1
    var gtdNew = dot(gNew, direction)

    var tPrev = 0.0, fPrev = f, gPrev = gradient, gtdPrev = gtd
    var done = false
    var iteration = 0
    var bracket: [Double] = [], bracketF: [Double] = [], bracketG: [[Double]] = [], bracketGtd: [Double] = []

    // Extrapolate until an acceptable step is met or a bracket is found.
    while iteration < maxLineSearch {
        if fNew > f + c1 * t * gtd || (iteration > 1 && fNew >= fPrev) {
            (bracket, bracketF, bracketG, bracketGtd) = ([tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew])
            break
        }
        if abs(gtdNew) <= -c2 * gtd {
            (bracket, bracketF, bracketG, bracketGtd) = ([t], [fNew], [gNew], [gtdNew])
            done = true
            break
        }
        if gtdNew >= 0 {
            (bracket, bracketF, bracketG, bracketGtd) = ([tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew])
            break
        }
        let minStep = t + 0.01 * (t - tPrev)
        let maxStep = t * 10
        let current = t
        t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, bounds: (minStep, maxStep))
        (tPrev, fPrev, gPrev, gtdPrev) = (current, fNew, gNew, gtdNew)
        (fNew, gNew) = try objective(t)
        evaluations += 1
        gtdNew = dot(gNew, direction)
        iteration += 1
    }
    if iteration == maxLineSearch {
        (bracket, bracketF, bracketG, bracketGtd) = ([0, t], [f, fNew], [gradient, gNew], [gtd, gtdNew])
    }

    // Zoom: shrink the bracket [low, high] (low = the end with the smaller loss).
    var insufficientProgress = false
    var (low, high) = bracketF[0] <= bracketF[bracketF.count - 1] ? (0, 1) : (1, 0)
    while !done && iteration < maxLineSearch {
        if abs(bracket[1] - bracket[0]) * directionNorm < toleranceChange { break }
        t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1])

        // Keep t away from the ends: after one step that lands within 10 % of
        // an end (or outside), move it to 10 % inside the nearer end.
        let upper = pythonMax(bracket[0], bracket[1]), lower = pythonMin(bracket[0], bracket[1])
        let margin = 0.1 * (upper - lower)
        if pythonMin(upper - t, t - lower) < margin {
            if insufficientProgress || t >= upper || t <= lower {
                t = abs(t - upper) < abs(t - lower) ? upper - margin : lower + margin
                insufficientProgress = false
            } else {
                insufficientProgress = true
            }
        } else {
            insufficientProgress = false
        }

        (fNew, gNew) = try objective(t)
        evaluations += 1
        gtdNew = dot(gNew, direction)
        iteration += 1

        if fNew > f + c1 * t * gtd || fNew >= bracketF[low] {
            // Not enough decrease: t becomes the high end.
            (bracket[high], bracketF[high], bracketG[high], bracketGtd[high]) = (t, fNew, gNew, gtdNew)
            (low, high) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0)
        } else {
            if abs(gtdNew) <= -c2 * gtd {
                done = true
            } else if gtdNew * (bracket[high] - bracket[low]) >= 0 {
                // The slope points away from high: the old low becomes the high end.
                (bracket[high], bracketF[high], bracketG[high], bracketGtd[high]) =
                    (bracket[low], bracketF[low], bracketG[low], bracketGtd[low])
            }
            (bracket[low], bracketF[low], bracketG[low], bracketGtd[low]) = (t, fNew, gNew, gtdNew)
        }
    }
    return LineSearchResult(loss: bracketF[low], gradient: bracketG[low], step: bracket[low], evaluations: evaluations)
}
