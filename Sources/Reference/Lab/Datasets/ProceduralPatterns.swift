import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// A procedurally generated image-classification dataset: two-colour textures
/// in nine classes (`PatternClass`) — stripes in four orientations,
/// checkerboards, rings, dots, blobs and waves — that a person recognizes at
/// a glance, and so can recognize again in a feature visualization of a
/// network trained on them. refvis trains its bundled model on it, so that
/// nothing has to be downloaded.
///
/// The dataset is an infinite, deterministic stream: sample `index` under
/// `seed` is always the same image, computed from those two numbers alone (not
/// from earlier samples, nor from the thread count). Its class is
/// `index mod 9`, so any 9 consecutive indices hold one image of each class.
///
/// How sample `index` is drawn (everything from one `RandomGenerator` seeded
/// with `sampleSeed(seed:index:)`, in this order):
/// 1. the background colour c₀ (r, g, b uniform in [0, 1)), then the
///    foreground colour c₁ likewise, redrawn while ‖c₀ − c₁‖ < 0.5 so that the
///    pattern is always visible (after 100 failed tries c₁ is the corner of
///    the colour cube opposite c₀);
/// 2. the class's geometry (see each mask's `draw`);
/// 3. the noise level σ uniform in [0, 0.1);
/// 4. one normal draw per element, in (channel, row, column) order.
/// Pixel (c, i, j) is clamp(c₀ + (c₁ − c₀)·m(j + ½, i + ½) + σ·z, 0, 1), m the
/// class's coverage at the pixel centre, z the normal draw.
public struct ProceduralPatterns: Sendable {
    /// The classes in label order.
    public static let classes: [PatternClass] = PatternClass.allCases
    /// The class names in label order (the model's class list).
    public static let classNames: [String] = classes.map(\.name)
    public static var classCount: Int { classes.count }
    /// The largest image side the generator accepts.
    public static let maximumSize = 4096

    /// The images' height and width in pixels.
    public let size: Int

    /// A generator of `size`×`size` images (1 ≤ size ≤ 4096).
    public init(size: Int = 32) throws {
        guard (1...ProceduralPatterns.maximumSize).contains(size) else {
            throw RefvisError.usage("procedural patterns: image size must be in 1...\(ProceduralPatterns.maximumSize), got \(size)")
        }
        self.size = size
    }

    /// The class of sample `index`: index mod the number of classes.
    public static func label(index: Int) -> Int {
        index % classCount
    }

    /// The seed of sample `index`'s generator: SplitMix64(SplitMix64(seed) +
    /// index) (wrapping). SplitMix64 is a bijection, so distinct indices under
    /// one seed never share a generator.
    public static func sampleSeed(seed: UInt64, index: Int) -> UInt64 {
        splitMix64(splitMix64(seed) &+ UInt64(bitPattern: Int64(index)))
    }

    /// Sample `index` (≥ 0) under `seed`: a (3, size, size) image in [0, 1] and its label.
    public func sample(index: Int, seed: UInt64) throws -> (image: Tensor, label: Int) {
        try ProceduralPatterns.checkIndex(index)
        var scalars = [Double](repeating: 0, count: 3 * size * size)
        scalars.withUnsafeMutableBufferPointer { render(index: index, seed: seed, into: $0.baseAddress!) }
        return (Tensor(shape: [3, size, size], scalars: scalars), ProceduralPatterns.label(index: index))
    }

    /// The samples `indices` (each ≥ 0) under `seed` as one batch: images
    /// (N, 3, size, size) and their labels. Images are rendered in parallel;
    /// each depends only on its own index, so the batch is the same for any
    /// number of threads.
    public func batch<Indices: Collection<Int>>(_ indices: Indices, seed: UInt64) throws -> (images: Tensor, labels: [Int]) {
        let list = Array(indices)
        for index in list { try ProceduralPatterns.checkIndex(index) }
        let stride = 3 * size * size
        _ = try Tensor.checkedElementCount([list.count, 3, size, size], context: "procedural patterns batch")
        var scalars = [Double](repeating: 0, count: list.count * stride)
        scalars.withUnsafeMutableBufferPointer { buffer in
            // Image n writes only its own stride of the batch.
            let output = SharedOutput(buffer)
            Parallel.forEach(list.count) { n in
                render(index: list[n], seed: seed, into: output.base + n * stride)
            }
        }
        return (Tensor(shape: [list.count, 3, size, size], scalars: scalars), list.map(ProceduralPatterns.label(index:)))
    }

    /// A class-balanced batch: `perClass` images of every class, indices
    /// `start ..< start + perClass·classCount` (so labels cycle 0, 1, …, 8, 0, …
    /// when `start` is a multiple of the class count).
    public func balancedBatch(perClass: Int, start: Int = 0, seed: UInt64) throws -> (images: Tensor, labels: [Int]) {
        guard perClass >= 0 else { throw RefvisError.usage("procedural patterns: perClass must be >= 0, got \(perClass)") }
        return try batch(start..<(start + perClass * ProceduralPatterns.classCount), seed: seed)
    }

    private static func checkIndex(_ index: Int) throws {
        guard index >= 0 else { throw RefvisError.usage("procedural patterns: sample index must be >= 0, got \(index)") }
    }

    /// Renders sample `index` into the 3·size·size doubles at `out` (see the
    /// type's documentation for the order of the random draws).
    private func render(index: Int, seed: UInt64, into out: UnsafeMutablePointer<Double>) {
        var rng = RandomGenerator(seed: ProceduralPatterns.sampleSeed(seed: seed, index: index))
        let pattern = ProceduralPatterns.classes[ProceduralPatterns.label(index: index)]
        let (background, foreground) = ProceduralPatterns.drawColours(&rng)
        let mask = pattern.drawMask(size: size, &rng)
        let noise = rng.uniform(0, 0.1)

        var coverage = [Double](repeating: 0, count: size * size)
        for i in 0..<size {
            for j in 0..<size {
                coverage[i * size + j] = mask.coverage(x: Double(j) + 0.5, y: Double(i) + 0.5)
            }
        }
        for channel in 0..<3 {
            let c0 = background[channel], difference = foreground[channel] - background[channel]
            let plane = out + channel * size * size
            for k in 0..<(size * size) {
                let value = c0 + difference * coverage[k] + noise * rng.normal()
                plane[k] = min(1, max(0, value))
            }
        }
    }

    /// Two colours at least 0.5 apart (see the type's documentation).
    static func drawColours(_ rng: inout RandomGenerator) -> ([Double], [Double]) {
        let background = [rng.uniform(), rng.uniform(), rng.uniform()]
        for _ in 0..<100 {
            let foreground = [rng.uniform(), rng.uniform(), rng.uniform()]
            let distanceSquared = zip(background, foreground).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            if distanceSquared >= 0.25 { return (background, foreground) }
        }
        return (background, background.map { $0 < 0.5 ? 1.0 : 0.0 })
    }
}

extension ProceduralPatterns {
    /// SplitMix64's output function (Steele, Lea and Flood, 2014) applied to
    /// x + 0x9E3779B97F4A7C15: a bijective 64-bit mixer, used to derive
    /// independent seeds from (seed, index) pairs.
    static func splitMix64(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
