import ReferenceCore
import ReferenceIO
/// The Fourier parameterization: the parameters are a half spectrum per channel,
/// weighted by 1/f^decay_power and inverted to an image by the `fourier_image` op.
///
///     image = fourier_image(X; h, w, decay_power)      X: (B, C, fh, fw, 2)
///     X initialized as sd · N(0, 1)
///
/// with (fh, fw) = `rfft2dFreqs(h, w).shape` (fw = w/2 + 2 for an odd w: Lucid's extra
/// column). Lucid's and Lucent's `fft_image(shape, sd=0.01, decay_power=1)`; Lucid lays
/// the spectrum out as (2, B, C, fh, fw), refvis as Lucent (B, C, fh, fw, 2). For odd
/// widths the two libraries give different images from the same spectrum — `convention`
/// picks one (see `FourierImageConvention`); Lucent's is the default.
///
/// The 1/f weighting makes white-noise parameters produce an image whose spectrum falls
/// like natural images' (about 1/f), and makes gradient steps favour low frequencies.
public struct FourierImage: ImageParameterization {
    public let imageShape: [Int]
    public let sd: Double
    public let decayPower: Double
    public let convention: FourierImageConvention
    private let spectrumShape: [Int]

    public init(shape: [Int], sd: Double = 0.01, decayPower: Double = 1,
                convention: FourierImageConvention = .lucent) throws {
        try ParameterizationChecks.imageShape(shape, "fft_image")
        try ParameterizationChecks.standardDeviation(sd, "fft_image")
        let scale = try fourierImageScale(height: shape[2], width: shape[3], decayPower: decayPower)
        spectrumShape = [shape[0], shape[1]] + scale.shape + [2]
        _ = try Tensor.checkedElementCount(spectrumShape, context: "fft_image spectrum")
        imageShape = shape
        self.sd = sd
        self.decayPower = decayPower
        self.convention = convention
    }

    public var parameterShapes: [[Int]] { [spectrumShape] }

    public func initialParameters(_ rng: inout RandomGenerator) -> [Tensor] {
        [rng.normalTensor(spectrumShape, std: sd)]
    }

    public func image(on tape: Tape, parameters: [Variable]) throws -> Variable {
        try checkParameters(parameters, on: tape, "fft_image")
        return try tape.fourierImage(parameters[0], height: imageShape[2], width: imageShape[3],
                                     decayPower: decayPower, convention: convention)
    }
}
