import ReferenceCore
import ReferenceIO
/// The 3×3 covariance of the colours of every pixel of `images`:
///
///     μ = (1/N) Σ_p x_p,     C = (1/N) Σ_p (x_p − μ)(x_p − μ)ᵀ
///
/// over all N pixels of all images pooled (population covariance, dividing by N, as
/// seed 000 does with `x.T @ x / (B·H·W)` after centring). Each image is (3, H, W) or
/// (B, 3, H, W). Sums run over images in order, then pixels in row-major order; C is
/// exactly symmetric (each off-diagonal entry is computed once).
/// Throws for no pixels, a rank other than 3 or 4, or a channel count other than 3.
public func colorCovariance(images: [Tensor]) throws -> Tensor {
    let name = "colour covariance"
    var planes = [(tensor: Tensor, batch: Int, pixels: Int)]()
    var count = 0
    for (index, image) in images.enumerated() {
        let channelAxis: Int
        switch image.rank {
        case 3: channelAxis = 0
        case 4: channelAxis = 1
        default:
            throw RefvisError("\(name): image \(index) must be (3, H, W) or (B, 3, H, W), got shape \(formatShape(image.shape))")
        }
        guard image.shape[channelAxis] == 3 else {
            throw RefvisError("\(name): image \(index) must have 3 colour channels, got \(image.shape[channelAxis]) in shape \(formatShape(image.shape))")
        }
        guard image.isFinite else { throw RefvisError("\(name): image \(index) has a non-finite value") }
        let batch = channelAxis == 1 ? image.shape[0] : 1
        let pixels = image.count / (3 * max(batch, 1))
        planes.append((image, batch, pixels))
        count += batch * pixels
    }
    guard count > 0 else { throw RefvisError("\(name): no pixels (give at least one non-empty image)") }

    func forEachPixel(_ body: (Double, Double, Double) -> Void) {
        for plane in planes {
            let x = plane.tensor.scalars, n = plane.pixels
            for b in 0..<plane.batch {
                let base = 3 * n * b
                for p in 0..<n { body(x[base + p], x[base + n + p], x[base + 2 * n + p]) }
            }
        }
    }
    var mean = [0.0, 0.0, 0.0]
    forEachPixel { r, g, b in mean[0] += r; mean[1] += g; mean[2] += b }
    mean = mean.map { $0 / Double(count) }
    var c = [Double](repeating: 0, count: 9)
    forEachPixel { r, g, b in
        let d = [r - mean[0], g - mean[1], b - mean[2]]
        for i in 0..<3 { for j in i..<3 { c[3 * i + j] += d[i] * d[j] } }
    }
    for i in 0..<3 {
        for j in i..<3 {
            c[3 * i + j] /= Double(count)
            c[3 * j + i] = c[3 * i + j]
        }
    }
    return Tensor(shape: [3, 3], scalars: c)
}

/// The colour decorrelation matrix estimated from images: the symmetric square root
/// √C = P·√D·Pᵀ of their colour covariance C = P·D·Pᵀ (`colorCovariance`,
/// `symmetricSquareRoot3x3`). Mapping a latent t with independent unit-variance channels
/// through √C gives colours with covariance C. Seed 000 fits a PCA to the covariance of
/// CIFAR-10 for the same purpose; Lucid ships the ImageNet estimate
/// `ColorCorrelation.lucidSquareRoot` (a P·√D form, see there). To use the result as Lucid
/// does, normalize it with `ColorCorrelation.normalizedByLargestColumnNorm`.
public func colorCorrelationSquareRoot(images: [Tensor]) throws -> Tensor {
    try symmetricSquareRoot3x3(try colorCovariance(images: images))
}
