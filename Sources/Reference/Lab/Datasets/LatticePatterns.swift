import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// Axis-aligned squares of alternating colour: the sign pattern of
/// s = sin(π(x + ox)/side)·sin(π(y + oy)/side), shaped by a sharp
/// `WaveProfile` (sharpness at least 2.5, so that the cells look square and
/// not like a lattice of round dots).
struct CheckerboardMask: PatternMask {
    let side: Double
    let offsetX: Double
    let offsetY: Double
    let profile: WaveProfile

    /// Random draws, in this order: side uniform in [3, 8) px, offsets x and y
    /// uniform in [0, 2·side), sharpness uniform in [2.5, 6).
    static func draw(_ rng: inout RandomGenerator) -> CheckerboardMask {
        let side = rng.uniform(3, 8)
        let offsetX = rng.uniform(0, 2 * side)
        let offsetY = rng.uniform(0, 2 * side)
        let sharpness = rng.uniform(2.5, 6)
        return CheckerboardMask(side: side, offsetX: offsetX, offsetY: offsetY, profile: WaveProfile(sharpness: sharpness))
    }

    func coverage(x: Double, y: Double) -> Double {
        profile.coverage(sin(Double.pi * (x + offsetX) / side) * sin(Double.pi * (y + offsetY) / side))
    }
}

/// Discs of radius r centred on a square or hexagonal lattice of spacing d.
///
/// Coverage is clamp(r − δ + ½, 0, 1), δ the distance to the nearest lattice
/// point: a one-pixel linear ramp across the rim, a cheap anti-aliasing.
/// The hexagonal lattice has rows d·√3/2 apart, odd rows shifted by d/2.
struct DotMask: PatternMask {
    let spacing: Double
    let radius: Double
    let hexagonal: Bool
    let offsetX: Double
    let offsetY: Double

    /// Random draws, in this order: spacing uniform in [6, 11) px, radius
    /// spacing·uniform(0.2, 0.35), lattice (hexagonal when the integer in 0..<2
    /// is 1), offsets x and y uniform in [0, spacing).
    static func draw(_ rng: inout RandomGenerator) -> DotMask {
        let spacing = rng.uniform(6, 11)
        let radius = spacing * rng.uniform(0.2, 0.35)
        let hexagonal = rng.integer(in: 0..<2) == 1
        let offsetX = rng.uniform(0, spacing)
        let offsetY = rng.uniform(0, spacing)
        return DotMask(spacing: spacing, radius: radius, hexagonal: hexagonal, offsetX: offsetX, offsetY: offsetY)
    }

    func coverage(x: Double, y: Double) -> Double {
        let px = x - offsetX, py = y - offsetY
        var nearest: Double
        if hexagonal {
            let rowHeight = spacing * 3.0.squareRoot() / 2
            let row = Int((py / rowHeight).rounded(.down))
            nearest = .infinity
            for j in (row - 1)...(row + 1) {
                let shift = j & 1 == 0 ? 0 : spacing / 2
                let dx = px - shift - spacing * ((px - shift) / spacing).rounded()
                let dy = py - Double(j) * rowHeight
                nearest = min(nearest, (dx * dx + dy * dy).squareRoot())
            }
        } else {
            let dx = px - spacing * (px / spacing).rounded()
            let dy = py - spacing * (py / spacing).rounded()
            nearest = (dx * dx + dy * dy).squareRoot()
        }
        return min(1, max(0, radius - nearest + 0.5))
    }
}
