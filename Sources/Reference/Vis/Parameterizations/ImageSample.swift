import ReferenceCore
import ReferenceIO
/// A random image of Fourier noise with a natural-looking spectrum: Lucid's
/// `param.image_sample(shape, decorrelate=True, sd=None, decay_power=1)`
/// (lucid/optvis/param/random.py), used in seed 003 as a random background:
///
///     X ~ sd · N(0, 1), shape (B, C, fh, fw, 2)
///     image = to_valid_rgb(fourier_image(X; h, w, decay_power), decorrelate)     (sigmoid)
///
/// Lucid draws each picture's spectrum separately (`rand_fft_image`); drawing the whole
/// tensor in index order is the same thing. `sd` defaults to 0.01 (Lucid:
/// `0.01 if sd is None else sd`, so 0 is kept and gives a flat grey 0.5 image). The
/// notebook keeps contrast comparable across decay powers with sd = base·20^(1 − decay_power).
/// `decorrelation` is Lucid's normalized matrix by default (decorrelate=True), nil for
/// decorrelate=False; it then needs C = 3. Returns a plain tensor (B, C, h, w) in (0, 1):
/// nothing to differentiate.
public func imageSample(shape: [Int], sd: Double = 0.01, decayPower: Double = 1,
                        decorrelation: Tensor? = ColorCorrelation.lucidNormalized,
                        squash: RGBSquash = .sigmoid, convention: FourierImageConvention = .lucent,
                        rng: inout RandomGenerator) throws -> Tensor {
    let spatial = try FourierImage(shape: shape, sd: sd, decayPower: decayPower, convention: convention)
    let image = try ValidRGBImage(spatial, decorrelation: decorrelation, squash: squash)
    let tape = Tape()
    let parameters = spatial.initialParameters(&rng).map { tape.variable($0) }
    return tape.value(try image.image(on: tape, parameters: parameters))
}
