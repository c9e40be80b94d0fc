import Foundation
import ReferenceCore
import ReferenceIO

/// Starting a run from a picture: the parameters whose image is the picture.
///
/// The image stage is squash(M · parameterization(p)), so the start inverts it
/// from the outside in:
///
///     y = the picture, as the model's channels, resized (shorter side) and centre-cropped
///     u = squash⁻¹(y)          logit for the sigmoid, atanh(2y − 1) for (tanh + 1)/2;
///                              y is kept inside [ε, 1 − ε], ε = 1e-6, so u is finite
///     t = M⁻¹ · u              per pixel, when colours are decorrelated
///     p = t                    pixel parameterization
///     p = rfft2(4·t, ortho) / scale        Fourier parameterization (Lucent's
///                              convention; an odd width's extra spectrum column is 0)
///
/// so `image(p)` gives back the picture up to rounding (and the ε clamp).
enum ImageStart {
    static let epsilon = 1e-6

    static func parameters(path: String, engine: RenderEngine) throws -> [Tensor] {
        let recipe = engine.recipe
        var picture = try ImageFile.read(path: path, channels: engine.channels,
                                         size: (height: engine.parameterizations[0].imageShape[2], width: engine.parameterizations[0].imageShape[3]))
        if recipe.batch > 1 {
            picture = Tensor(shape: [recipe.batch] + Array(picture.shape.dropFirst()),
                             scalars: Array(repeating: picture.scalars, count: recipe.batch).flatMap { $0 })
        }
        var latent: Tensor
        switch recipe.squash {
        case .none: latent = picture
        case .sigmoid:
            latent = picture.map { y in let c = min(max(y, epsilon), 1 - epsilon); return log(c / (1 - c)) }
        case .tanh:
            latent = picture.map { y in let c = min(max(y, epsilon), 1 - epsilon); return atanh(2 * c - 1) }
        }
        if let matrix = engine.decorrelation {
            latent = try colorDecorrelate(latent, Tensor(shape: [3, 3], scalars: try inverse3x3(matrix, path: path).flatMap { $0 }))
        }
        switch recipe.parameterization {
        case .pixel: return [latent]
        case .fft(_, let decayPower):
            return [try spectrum(of: latent, decayPower: decayPower, expected: engine.parameterizations[0].parameterShapes[0])]
        default:
            throw RefvisError.usage("--start image:\(path): a picture start needs --param pixel or fft, not \(recipe.parameterization.text)")
        }
    }

    /// The Lucent-convention half spectrum whose `fourier_image` is `image`.
    static func spectrum(of image: Tensor, decayPower: Double, expected: [Int]) throws -> Tensor {
        let (h, w) = (image.shape[2], image.shape[3])
        let half = try rfft2(image.map { 4 * $0 }, norm: .ortho)  // (B, C, h, w/2 + 1, 2)
        let scale = try fourierImageScale(height: h, width: w, decayPower: decayPower)  // (h, fw)
        let fw = scale.shape[1], columns = half.shape[3]
        var out = Tensor.zeros(expected)
        for plane in 0..<(image.shape[0] * image.shape[1]) {
            for y in 0..<h {
                for x in 0..<columns {
                    for part in 0..<2 {
                        let source = ((plane * h + y) * columns + x) * 2 + part
                        out.scalars[((plane * h + y) * fw + x) * 2 + part] = half.scalars[source] / scale.scalars[y * fw + x]
                    }
                }
            }
        }
        return out
    }

    /// The inverse of a 3×3 matrix by cofactors, refused when (nearly) singular.
    static func inverse3x3(_ m: Tensor, path: String) throws -> [[Double]] {
        guard m.shape == [3, 3] else { throw RefvisError("--start image:\(path): the colour matrix is \(formatShape(m.shape)), not 3×3") }
        let a = (0..<3).map { r in (0..<3).map { c in m.scalars[r * 3 + c] } }
        func cofactor(_ r: Int, _ c: Int) -> Double {
            let rows = (0..<3).filter { $0 != r }, cols = (0..<3).filter { $0 != c }
            let minor = a[rows[0]][cols[0]] * a[rows[1]][cols[1]] - a[rows[0]][cols[1]] * a[rows[1]][cols[0]]
            return (r + c) % 2 == 0 ? minor : -minor
        }
        let det = (0..<3).reduce(0.0) { $0 + a[0][$1] * cofactor(0, $1) }
        guard abs(det) > 1e-12 else { throw RefvisError("--start image:\(path): the colour matrix is singular") }
        return (0..<3).map { r in (0..<3).map { c in cofactor(c, r) / det } }
    }
}
