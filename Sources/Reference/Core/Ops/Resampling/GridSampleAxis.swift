// How grid_sample turns one normalized grid coordinate into a pixel
// coordinate along one axis of the input, with PyTorch's conventions
// (ATen's grid-sampler CPU kernel, which Float64 input takes):
//
//   unnormalize   align_corners: p = (g + 1)·(size − 1)/2   (−1 → pixel 0, +1 → pixel size−1)
//                 otherwise:     p = (g + 1)·size/2 − 0.5   (−1 → the left edge −0.5, +1 → size − 0.5)
//   padding       zeros:      p as is (taps outside the image read 0)
//                 border:     p clipped to [0, size − 1]
//                 reflection: p reflected about the edges (align_corners: 0 and size − 1;
//                             otherwise −0.5 and size − 0.5) as often as needed, then clipped
//
// Each step has a derivative, multiplied along the chain for the grid
// gradient: the unnormalize scale; 1 strictly inside the clip range and 0 at
// or beyond it (PyTorch treats the edges as outside); ±1 for reflection, −1
// when the point was mirrored an odd number of times.

/// `grid_sample`'s interpolation: `mode` in torch.nn.functional.grid_sample.
public enum GridSampleMode: String, AttributeChoice {
    /// The four surrounding pixels weighted by their areas.
    case bilinear
    /// The nearest pixel, rounding halves to even (`nearbyint`).
    case nearest
}

/// What `grid_sample` reads outside the image: `padding_mode`.
public enum GridSamplePadding: String, AttributeChoice {
    /// Zeros outside the image.
    case zeros
    /// The nearest edge pixel: coordinates are clipped.
    case border
    /// The image mirrored at its edges: coordinates are reflected, then clipped.
    case reflection
}

/// The coordinate mapping of one input axis (width for x, height for y).
struct GridSampleAxis: Sendable {
    let size: Int
    let padding: GridSamplePadding
    /// d(pixel)/d(grid) of the unnormalization.
    let scale: Double
    /// −0.5 without align_corners (the reflection axis `low`), else 0.
    let shift: Double
    /// The largest pixel coordinate, `size − 1`.
    let maxCoordinate: Double
    /// The lower reflection axis and the reflection period (twice the span).
    let low: Double
    let period: Double
    /// align_corners with size 1: the reflection span is empty and every point maps to 0.
    let emptySpan: Bool

    init(size: Int, padding: GridSamplePadding, alignCorners: Bool) {
        self.size = size
        self.padding = padding
        maxCoordinate = Double(size - 1)
        if alignCorners {
            scale = Double(size - 1) / 2
            shift = 0
            low = 0
            period = Double(size - 1) * 2
            emptySpan = size <= 1
        } else {
            scale = Double(size) / 2
            shift = -0.5
            low = -0.5
            period = Double(size) * 2
            emptySpan = size <= 0
        }
    }

    /// The pixel coordinate before padding.
    @inline(__always)
    func unnormalize(_ g: Double) -> Double {
        (g + 1) * scale + shift
    }

    /// Clips to [0, size − 1]; nan becomes 0 (as PyTorch's CPU kernel clamps it).
    @inline(__always)
    func clip(_ p: Double) -> Double {
        if !(p > 0) { return 0 }
        return p < maxCoordinate ? p : maxCoordinate
    }

    /// The clipped coordinate and its derivative: 1 strictly inside (0, size − 1), else 0.
    @inline(__always)
    func clipWithDerivative(_ p: Double) -> (Double, Double) {
        if !(p > 0) { return (0, 0) }
        return p < maxCoordinate ? (p, 1) : (maxCoordinate, 0)
    }

    /// Reflects `p` into [low, low + period/2] and returns the sign of the
    /// derivative: −1 when the point ends up mirrored an odd number of times.
    @inline(__always)
    func reflectWithDerivative(_ p: Double) -> (Double, Double) {
        if emptySpan { return (0, 0) }
        let fromLow = p - low
        let distance = Swift.abs(fromLow)
        let periods = (distance / period).rounded(.towardZero)
        let extra = distance - periods * period
        let mirrored = period - extra
        let flipped = extra > mirrored
        let sign: Double = flipped != (fromLow < 0) ? -1 : 1
        return ((flipped ? mirrored : extra) + low, sign)
    }

    /// The pixel coordinate `grid_sample` samples at for grid value `g`.
    @inline(__always)
    func source(_ g: Double) -> Double {
        switch padding {
        case .zeros: return unnormalize(g)
        case .border: return clip(unnormalize(g))
        case .reflection: return clip(reflectWithDerivative(unnormalize(g)).0)
        }
    }

    /// The pixel coordinate and d(coordinate)/d(g) along the chain
    /// unnormalize → (reflect) → (clip).
    @inline(__always)
    func sourceWithDerivative(_ g: Double) -> (Double, Double) {
        let p = unnormalize(g)
        switch padding {
        case .zeros:
            return (p, scale)
        case .border:
            let (clipped, inside) = clipWithDerivative(p)
            return (clipped, inside * scale)
        case .reflection:
            let (reflected, sign) = reflectWithDerivative(p)
            let (clipped, inside) = clipWithDerivative(reflected)
            return (clipped, inside * (sign * scale))
        }
    }

    /// The integer `floor`/`round` result as an index when it lies near the
    /// image; anything else (far outside, infinite, nan) becomes −2, so that
    /// it and its right/lower neighbour are both outside. Never traps.
    @inline(__always)
    func index(_ integral: Double) -> Int {
        integral > -2 && integral < maxCoordinate + 2 ? Int(integral) : -2
    }
}
