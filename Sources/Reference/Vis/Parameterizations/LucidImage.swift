import ReferenceCore
import ReferenceIO
/// Lucid's `param.image(w, h, batch, sd, decorrelate, fft, alpha)`
/// (lucid/optvis/param/images.py) as a parameterization: an (h, w) image of `batch`
/// pictures, Fourier (`fft`, decay power 1) or pixel parameters with standard deviation
/// `sd`, through `to_valid_rgb` with the sigmoid and, when `decorrelate`, Lucid's
/// normalized colour matrix; with `alpha`, four channels, the fourth an opacity
/// (`RGBAImage`). Output (batch, 3 or 4, h, w). h defaults to w, as in Lucid.
/// (Lucid's current file refers to an undefined `rgb` when alpha=True; this follows the
/// earlier version, which worked: rgb from the first three channels, σ of the fourth.)
public func lucidImage(width: Int, height: Int? = nil, batch: Int = 1, sd: Double = 0.01, decorrelate: Bool = true,
                       fft: Bool = true, alpha: Bool = false,
                       convention: FourierImageConvention = .lucent) throws -> any ImageParameterization {
    let shape = [batch, alpha ? 4 : 3, height ?? width, width]
    let spatial: any ImageParameterization = fft
        ? try FourierImage(shape: shape, sd: sd, decayPower: 1, convention: convention)
        : try PixelImage(shape: shape, sd: sd)
    let matrix = decorrelate ? ColorCorrelation.lucidNormalized : nil
    return alpha ? try RGBAImage(spatial, decorrelation: matrix) : try ValidRGBImage(spatial, decorrelation: matrix)
}
