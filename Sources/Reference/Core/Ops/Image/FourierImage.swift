import Foundation

// fourier_image: Lucid's and Lucent's Fourier image parameterization
// (lucid/optvis/param/spatial.py fft_image, lucent/optvis/param/spatial.py
// fft_image) as one linear op — a half spectrum scaled by 1/f^decay_power, turned
// into an image by an inverse real 2-D DFT, divided by Lucid's constant 4.

/// How `fourier_image` turns the (fh, fw) half spectrum of `rfft2dFreqs(h, w)` into
/// an h×w image. The two agree for even widths and differ for odd ones, where
/// Lucid's spectrum has one column more than an rfft of width w (fw = w/2 + 2).
public enum FourierImageConvention: String, AttributeChoice {
    /// Lucent (PyTorch): `torch.fft.irfftn(X, s=(h, w), norm="ortho")`. The inverse
    /// has exactly width w and reads the first w/2 + 1 columns: an odd width's
    /// extra column is cropped from the *spectrum* (it never matters, its gradient is 0).
    case lucent
    /// Lucid (TensorFlow): `tf.signal.irfft2d(sqrt(w·h)·X)` without fft_length, so
    /// the inverse has width W′ = 2(fw − 1) = w + 1 for an odd w, reading every
    /// column, and the last pixel column is cropped from the *image*.
    case lucid
}

/// Lucid's spectrum scale for an h×w image, shape (fh, fw) = `rfft2dFreqs(h, w).shape`:
///
///     scale[y, x] = 1 / max(f[y, x], 1/max(h, w)) ^ decay_power
///
/// with f = `rfft2dFreqs(h, w)` (cycles per pixel). The floor 1/max(h, w) — the
/// lowest non-zero frequency of the longer side — keeps the DC term finite:
/// scale[0, 0] = max(h, w)^decay_power. Matches Lucid's and Lucent's `fft_image`
/// (which compute it in float64 with NumPy, then cast to float32).
/// Throws unless h, w ≥ 1 and decay_power is finite.
public func fourierImageScale(height: Int, width: Int, decayPower: Double) throws -> Tensor {
    guard decayPower.isFinite else {
        throw RefvisError.usage("fourier_image: decay_power must be finite, got \(formatDouble(decayPower))")
    }
    guard height >= 1, width >= 1 else {
        throw RefvisError.usage("fourier_image: height and width must be at least 1, got height=\(height) width=\(width)")
    }
    let frequencies = try rfft2dFreqs(h: height, w: width)
    let floor = 1.0 / Double(max(height, width))
    return frequencies.map { 1.0 / pow(max($0, floor), decayPower) }
}

/// The resolved geometry of one `fourier_image` call.
private struct FourierImageGeometry {
    let height: Int
    let width: Int
    /// The width the inverse DFT produces before cropping: w (lucent) or 2(fw − 1) (lucid).
    let transformWidth: Int
    let norm: FourierNorm
    /// The (fh, fw) multiplier of the spectrum, including Lucid's √(w·h) for `lucid`.
    let scale: Tensor
    /// The spectrum's required shape without its leading (B, C): (fh, fw, 2).
    var spectrumTail: [Int] { scale.shape + [2] }

    /// Lucid's magic constant: "image_t = image_t / 4.0".
    static let divisor = 4.0

    init(height: Int, width: Int, decayPower: Double, convention: FourierImageConvention) throws {
        var scale = try fourierImageScale(height: height, width: width, decayPower: decayPower)
        let columns = scale.shape[1]
        switch convention {
        case .lucent:
            transformWidth = width
            norm = .ortho
        case .lucid:
            transformWidth = 2 * (columns - 1)
            guard transformWidth >= width else {
                throw RefvisError("fourier_image: the lucid convention needs width >= 2 (its inverse DFT has width 2·(fw − 1) = \(transformWidth) for width \(width)), got width \(width); use convention lucent")
            }
            norm = .backward
            // Lucid: "scale *= np.sqrt(w * h)", then an unnormalized-forward irfft2d (1/(h·W′)).
            let root = (Double(width) * Double(height)).squareRoot()
            scale = scale.map { $0 * root }
        }
        self.height = height
        self.width = width
        self.scale = scale
    }

    /// Checks the spectrum's shape and returns its leading (B, C).
    func leadingDimensions(ofSpectrum shape: [Int], what: String = "spectrum") throws -> [Int] {
        guard shape.count == 5, Array(shape.suffix(3)) == spectrumTail else {
            throw RefvisError("fourier_image: \(what) must have shape (B, C, \(spectrumTail.map(String.init).joined(separator: ", "))) for height \(height) and width \(width) (the rfft2d_freqs shape, then real and imaginary parts), got \(formatShape(shape))")
        }
        return Array(shape.prefix(2))
    }

    /// X·scale, the scale broadcast over (B, C) and over the real and imaginary parts.
    func scaled(_ spectrum: Tensor) -> Tensor {
        let plane = scale.count
        var values = spectrum.scalars
        for i in 0..<values.count { values[i] *= scale.scalars[(i / 2) % plane] }
        return Tensor(shape: spectrum.shape, scalars: values)
    }
}

/// The image of a Fourier parameterization (Lucid's and Lucent's `fft_image`):
///
///     image = irfft2(scale · X, s = (h, w), norm = "ortho")[…, :h, :w] / 4        (lucent)
///     image = irfft2(√(w·h) · scale · X, s = (h, 2(fw − 1)))[…, :h, :w] / 4       (lucid)
///
/// with scale = `fourierImageScale(h, w, decay_power)` broadcast over (B, C) and over
/// both parts of each complex number. The two agree for an even w: 2(fw − 1) = w there,
/// and the "backward" inverse's 1/(h·w) times √(w·h) is the "ortho" inverse's 1/√(h·w) —
/// Lucent folds Lucid's √(w·h) into `norm="ortho"`. For an odd w they differ (see
/// `FourierImageConvention`). As in `irfft2`, the imaginary parts of the self-conjugate
/// entries (DC, and the Nyquist row/column of even sizes) are ignored.
///
/// Shapes: spectrum (B, C, fh, fw, 2) with (fh, fw) = `rfft2dFreqs(h, w).shape` — Lucent's
/// layout; Lucid stores (2, B, C, fh, fw) — → image (B, C, h, w). Linear in the spectrum.
public func fourierImage(_ spectrum: Tensor, height: Int, width: Int, decayPower: Double = 1,
                         convention: FourierImageConvention = .lucent) throws -> Tensor {
    let geometry = try FourierImageGeometry(height: height, width: width, decayPower: decayPower, convention: convention)
    let leading = try geometry.leadingDimensions(ofSpectrum: spectrum.shape)
    let full = try irfft2(geometry.scaled(spectrum), s: [height, geometry.transformWidth], norm: geometry.norm)
    // Crop the transform's extra column (lucid, odd w) and divide by Lucid's 4.
    let rows = Tensor.elementCount(leading) * height
    let fullWidth = geometry.transformWidth
    var image = [Double](repeating: 0, count: rows * width)
    for r in 0..<rows {
        for x in 0..<width { image[r * width + x] = full.scalars[r * fullWidth + x] / FourierImageGeometry.divisor }
    }
    return Tensor(shape: leading + [height, width], scalars: image)
}

/// The VJP of `fourierImage`: the cotangent ḡ divided by 4, widened with zero columns
/// to the transform width (lucid, odd w), through `irfft2Backward`, times the same scale:
///
///     X̄ = scale · irfft2ᵀ(pad(ḡ) / 4)
///
/// An odd width's extra spectrum column gets exactly 0 under `lucent` (the inverse never
/// reads it); every column matters under `lucid`.
public func fourierImageBackward(_ gradOutput: Tensor, spectrumShape: [Int], height: Int, width: Int,
                                 decayPower: Double = 1, convention: FourierImageConvention = .lucent) throws -> Tensor {
    let geometry = try FourierImageGeometry(height: height, width: width, decayPower: decayPower, convention: convention)
    let leading = try geometry.leadingDimensions(ofSpectrum: spectrumShape)
    try gradOutput.requireShape(leading + [height, width], "fourier_image backward: output gradient")
    let rows = Tensor.elementCount(leading) * height
    let fullWidth = geometry.transformWidth
    var widened = [Double](repeating: 0, count: rows * fullWidth)
    for r in 0..<rows {
        for x in 0..<width { widened[r * fullWidth + x] = gradOutput.scalars[r * width + x] / FourierImageGeometry.divisor }
    }
    let gradient = try irfft2Backward(Tensor(shape: leading + [height, fullWidth], scalars: widened),
                                      inputShape: spectrumShape, s: [height, fullWidth], norm: geometry.norm)
    return geometry.scaled(gradient)
}

extension OpRegistry {
    static let fourierImageOp = OpDefinition(
        name: "fourier_image",
        summary: "image = irfft2(spectrum / max(f, 1/max(h,w))^decay_power, s=(h,w), ortho) / 4 (convention lucent); lucid: irfft2(√(w·h)·scaled spectrum) at width 2(fw−1), backward norm, cropped to w; spectrum (B, C, fh, fw, 2) as rfft2d_freqs(h, w) (Lucent's and Lucid's fft_image)",
        inputs: [OpInput("spectrum")],
        attributes: [
            AttributeSpec("height", .int, default: nil, "image height h"),
            AttributeSpec("width", .int, default: nil, "image width w"),
            AttributeSpec("decay_power", .double, default: .double(1), "exponent of the 1/f scaling of the spectrum"),
            AttributeSpec("convention", FourierImageConvention.self, default: .lucent,
                          "odd widths: lucent crops the spectrum (irfft2 to width w); lucid inverts to width w+1 and crops the image"),
        ],
        linearIn: ["spectrum"],
        forward: { inputs, attributes in
            let a = try FourierImageAttributes(attributes)
            return [try fourierImage(inputs[0], height: a.height, width: a.width, decayPower: a.decayPower,
                                     convention: a.convention)]
        },
        vjp: { inputs, _, cotangents, attributes in
            let a = try FourierImageAttributes(attributes)
            return [try fourierImageBackward(cotangents[0], spectrumShape: inputs[0].shape, height: a.height, width: a.width,
                                             decayPower: a.decayPower, convention: a.convention)]
        },
        samples: { rng in
            let cases: [(b: Int, c: Int, h: Int, w: Int, decay: Double, convention: FourierImageConvention)] = [
                (1, 1, 4, 4, 1, .lucent),     // even both: the conventions agree
                (2, 3, 3, 5, 1.5, .lucent),   // odd width: an extra spectrum column with zero gradient
                (1, 2, 4, 5, 1, .lucid),      // odd width: inverse to width 6, crop one image column
                (1, 1, 5, 6, 2, .lucid),      // odd height, even width
                (1, 1, 3, 3, 0, .lucent),     // decay 0: no frequency weighting
                (1, 2, 1, 7, 1, .lucent),     // a single row
                (1, 1, 3, 1, 1, .lucent),     // a single column (w = 1: one spectrum column)
                (1, 1, 2, 3, -0.5, .lucid),   // a negative decay power boosts high frequencies
            ]
            return cases.map { c in
                let columns = c.w == 1 ? 1 : c.w / 2 + (c.w % 2 == 1 ? 2 : 1)
                let shape = [c.b, c.c, c.h, columns, 2]
                return OpSample("spectrum=\(formatShape(shape)) h=\(c.h) w=\(c.w) decay_power=\(formatDouble(c.decay)) convention=\(c.convention.rawValue)",
                                inputs: [rng.normalTensor(shape)],
                                attributes: ["height": .int(c.h), "width": .int(c.w), "decay_power": .double(c.decay),
                                             "convention": c.convention.attributeValue])
            }
        })
}

/// The resolved attributes of `fourier_image`.
private struct FourierImageAttributes {
    let height: Int
    let width: Int
    let decayPower: Double
    let convention: FourierImageConvention

    init(_ attributes: Attributes) throws {
        height = try attributes.int("height")
        width = try attributes.int("width")
        decayPower = try attributes.double("decay_power")
        convention = try attributes.choice(FourierImageConvention.self, "convention")
    }
}
