import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// The classes of the procedural pattern dataset (`ProceduralPatterns`).
///
/// Each class is a family of two-colour textures whose defining feature is
/// geometric — an orientation, a lattice, a curvature — and never a colour or
/// a scale: colours, phases, periods and positions are random within ranges
/// chosen so that they do not overlap between classes in a way that would make
/// the geometry ambiguous. Scales are in pixels, not in fractions of the image,
/// so a larger image shows more repetitions of the same pattern; a network
/// trained at one size therefore recognizes the classes at any size.
///
/// Orientations are those seen on screen (y grows downwards):
/// `diagonalStripes` run like "/", `antiDiagonalStripes` like "\".
public enum PatternClass: Int, CaseIterable, Sendable {
    case horizontalStripes
    case verticalStripes
    case diagonalStripes
    case antiDiagonalStripes
    case checkerboard
    case rings
    case dots
    case blobs
    case waves

    /// The class name as the model's class list spells it.
    public var name: String {
        switch self {
        case .horizontalStripes: return "horizontal_stripes"
        case .verticalStripes: return "vertical_stripes"
        case .diagonalStripes: return "diagonal_stripes"
        case .antiDiagonalStripes: return "antidiagonal_stripes"
        case .checkerboard: return "checkerboard"
        case .rings: return "rings"
        case .dots: return "dots"
        case .blobs: return "blobs"
        case .waves: return "waves"
        }
    }

    /// What an image of the class looks like, for documentation and `--help`.
    public var summary: String {
        switch self {
        case .horizontalStripes: return "straight bands running left to right (within 5 degrees), period 4-10 px"
        case .verticalStripes: return "straight bands running top to bottom (within 5 degrees), period 4-10 px"
        case .diagonalStripes: return "straight bands running like '/' (45 degrees, within 5), period 4-10 px"
        case .antiDiagonalStripes: return "straight bands running like '\\' (135 degrees, within 5), period 4-10 px"
        case .checkerboard: return "axis-aligned squares of alternating colour, side 3-8 px"
        case .rings: return "concentric circles around a centre inside the image, period 4-9 px"
        case .dots: return "discs on a square or hexagonal lattice, spacing 6-11 px"
        case .blobs: return "soft Gaussian spots at random places, radius (sigma) 2-5 px"
        case .waves: return "sinusoidally wiggling bands, horizontal or vertical, period 5-10 px"
        }
    }

    /// Draws this class's random geometry for a `size`×`size` image.
    func drawMask(size: Int, _ rng: inout RandomGenerator) -> any PatternMask {
        switch self {
        case .horizontalStripes: return StripeMask.draw(angleDegrees: 0, &rng)
        case .verticalStripes: return StripeMask.draw(angleDegrees: 90, &rng)
        case .diagonalStripes: return StripeMask.draw(angleDegrees: 45, &rng)
        case .antiDiagonalStripes: return StripeMask.draw(angleDegrees: 135, &rng)
        case .checkerboard: return CheckerboardMask.draw(&rng)
        case .rings: return RingMask.draw(size: size, &rng)
        case .dots: return DotMask.draw(&rng)
        case .blobs: return BlobMask.draw(size: size, &rng)
        case .waves: return WaveMask.draw(&rng)
        }
    }
}

/// A drawn pattern: the share of the foreground colour at a point, in [0, 1].
///
/// Points are pixel centres in pixel units: the pixel in row i, column j is
/// sampled at (x, y) = (j + 0.5, i + 0.5), y growing downwards.
protocol PatternMask: Sendable {
    func coverage(x: Double, y: Double) -> Double
}

/// The soft square wave shared by the periodic patterns: a signal s in [-1, 1]
/// (a sine, or a product of sines) becomes a coverage clamp(½ + ½·k·s, 0, 1).
/// Sharpness k = 1 is the sinusoid itself; larger k gives flat bands with
/// edges about 1/k of a half period wide, so a class is seen both as smooth
/// gratings and as hard-edged bars.
struct WaveProfile: Sendable {
    let sharpness: Double

    static func draw(_ rng: inout RandomGenerator) -> WaveProfile {
        WaveProfile(sharpness: rng.uniform(1, 5))
    }

    func coverage(_ signal: Double) -> Double {
        min(1, max(0, 0.5 + 0.5 * sharpness * signal))
    }
}
