import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// Concentric circles: s = sin(2π·ρ/period + phase), ρ the distance to a centre
/// that lies inside the image (in its middle 60% along each axis, so that the
/// curvature is always visible), shaped by a `WaveProfile`.
struct RingMask: PatternMask {
    let centreX: Double
    let centreY: Double
    let period: Double
    let phase: Double
    let profile: WaveProfile

    /// Random draws, in this order: centre x and y as size·uniform(0.2, 0.8),
    /// period uniform in [4, 9) px, phase in [0, 2π), the profile's sharpness.
    static func draw(size: Int, _ rng: inout RandomGenerator) -> RingMask {
        let centreX = Double(size) * rng.uniform(0.2, 0.8)
        let centreY = Double(size) * rng.uniform(0.2, 0.8)
        let period = rng.uniform(4, 9)
        let phase = rng.uniform(0, 2 * Double.pi)
        let profile = WaveProfile.draw(&rng)
        return RingMask(centreX: centreX, centreY: centreY, period: period, phase: phase, profile: profile)
    }

    func coverage(x: Double, y: Double) -> Double {
        let dx = x - centreX, dy = y - centreY
        return profile.coverage(sin(2 * Double.pi * (dx * dx + dy * dy).squareRoot() / period + phase))
    }
}

/// Soft round spots at random places: coverage 1 − Πₖ(1 − gₖ) with
/// gₖ = exp(−δₖ²/(2σₖ²)), the soft union of Gaussian bumps.
///
/// The number of spots grows with the image's area (one per 150 px² on
/// average), so their density, like every other scale, is in pixels.
struct BlobMask: PatternMask {
    struct Blob: Sendable {
        let x: Double
        let y: Double
        /// −1/(2σ²), so that g = exp(δ²·this).
        let exponentScale: Double
    }

    let blobs: [Blob]

    /// Random draws, in this order: the count, round(size²/150 ·
    /// uniform(0.6, 1.4)) but at least 1; then for each spot its centre x and y
    /// uniform in [−2, size + 2) and σ uniform in [2, 5) px.
    static func draw(size: Int, _ rng: inout RandomGenerator) -> BlobMask {
        let side = Double(size)
        let count = max(1, Int((side * side / 150 * rng.uniform(0.6, 1.4)).rounded()))
        var blobs = [Blob]()
        blobs.reserveCapacity(count)
        for _ in 0..<count {
            let x = rng.uniform(-2, side + 2)
            let y = rng.uniform(-2, side + 2)
            let sigma = rng.uniform(2, 5)
            blobs.append(Blob(x: x, y: y, exponentScale: -1 / (2 * sigma * sigma)))
        }
        return BlobMask(blobs: blobs)
    }

    func coverage(x: Double, y: Double) -> Double {
        var uncovered = 1.0
        for blob in blobs {
            let dx = x - blob.x, dy = y - blob.y
            uncovered *= 1 - exp((dx * dx + dy * dy) * blob.exponentScale)
        }
        return 1 - uncovered
    }
}
