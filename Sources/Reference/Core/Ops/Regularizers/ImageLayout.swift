// How the image ops of the Regularizers and Pyramids families read their
// input: a batch (N, C, H, W), or a single image (C, H, W). Statistics that an
// op takes "per image" run over one image's C·H·W elements, so the images of
// a batch never influence each other.

/// The validated geometry of an image input.
struct ImageLayout: Equatable {
    /// N, or 1 for a (C, H, W) input.
    let batch: Int
    let channels: Int
    let height: Int
    let width: Int
    /// True for a (N, C, H, W) input, false for (C, H, W).
    let batched: Bool

    /// Reads `shape`; anything but a 3-d or 4-d shape is an error naming `op`.
    init(_ shape: [Int], op: String, input: String = "input") throws {
        guard shape.count == 3 || shape.count == 4 else {
            throw RefvisError("\(op): \(input) must be a batch (N, C, H, W) or an image (C, H, W), got shape \(formatShape(shape))")
        }
        batched = shape.count == 4
        batch = batched ? shape[0] : 1
        channels = shape[shape.count - 3]
        height = shape[shape.count - 2]
        width = shape[shape.count - 1]
    }

    /// The layout of the same batch with other spatial sizes.
    init(batch: Int, channels: Int, height: Int, width: Int, batched: Bool) {
        self.batch = batch
        self.channels = channels
        self.height = height
        self.width = width
        self.batched = batched
    }

    /// One (H, W) plane per image and channel.
    var planes: Int { batch * channels }
    var area: Int { height * width }
    /// The elements of one image, C·H·W.
    var imageSize: Int { channels * area }
    var shape: [Int] { batched ? [batch, channels, height, width] : [channels, height, width] }

    /// The same batch with planes of another size.
    func resized(height: Int, width: Int) -> ImageLayout {
        ImageLayout(batch: batch, channels: channels, height: height, width: width, batched: batched)
    }

    /// The shape of a result with one `rest`-shaped value per image: `(N,) + rest`
    /// for a batch, `rest` for a single image.
    func perImageShape(_ rest: [Int]) -> [Int] { batched ? [batch] + rest : rest }
}

/// Sample values for ops with kinks: a random permutation of the well-spaced
/// grid `offset + spacing·k` (k = 0..<count) plus noise of at most
/// `spacing / 10`, so that any two values — and so any difference of
/// neighbours — stay at least 0.8·spacing apart, far beyond the checker's
/// finite-difference step.
func spacedValues(_ shape: [Int], spacing: Double = 0.1, offset: Double? = nil,
                  _ rng: inout RandomGenerator) -> Tensor {
    let count = Tensor.elementCount(shape)
    var grid = (0..<count).map { Double($0) }
    // Fisher–Yates with the generator, so samples are reproducible.
    if count > 1 {
        for i in stride(from: count - 1, to: 0, by: -1) {
            grid.swapAt(i, rng.integer(in: 0...i))
        }
    }
    let start = offset ?? -spacing * Double(count - 1) / 2
    return Tensor(shape: shape, scalars: grid.map { start + spacing * $0 + rng.uniform(-spacing / 10, spacing / 10) })
}

/// Values in ±[low, high] with random signs: away from the kink of |x| at 0.
func valuesAwayFromZero(_ shape: [Int], low: Double = 0.2, high: Double = 2, _ rng: inout RandomGenerator) -> Tensor {
    Tensor(shape: shape, generator: { _ in
        let magnitude = rng.uniform(low, high)
        return rng.uniform() < 0.5 ? -magnitude : magnitude
    })
}
