import ReferenceCore

/// How the optimized parameters make an image (before colour and squash):
/// Lucid's and Lucent's `param` choices.
public enum ParameterizationSpec: SpecText {
    /// Pixels themselves; initial values N(0, sd²). Lucent's `pixel_image`.
    case pixel(sd: Double)
    /// A 1/f-scaled spectrum (Lucent's `fft_image`, Lucid's `fft_image`).
    case fft(sd: Double, decayPower: Double)
    /// A smaller pixel image upsampled by a factor (Lucid's `lowres_tensor`).
    case lowres(factor: Int, sd: Double)
    /// The bands of a Laplacian pyramid (Lucid's `laplacian_pyramid`).
    case laplacian(levels: Int, sd: Double)

    public static let catalog = [
        SpecEntry("pixel", [("sd", 0.01)], "pixel values, N(0, sd²) at first (Lucent's pixel_image)"),
        SpecEntry("fft", [("sd", 0.01), ("decay_power", 1)], "a 1/f^decay_power scaled spectrum (Lucid's and Lucent's fft_image)"),
        SpecEntry("lowres", [("factor", 8), ("sd", 0.01)], "a 1/factor-size image, upsampled bilinearly (Lucid's lowres_tensor)"),
        SpecEntry("laplacian", [("levels", 4), ("sd", 0.01)], "the bands of a Laplacian pyramid (Lucid's laplacian_pyramid)"),
    ]

    /// The default: Lucid's and Lucent's Fourier image.
    public static let defaultFourier = ParameterizationSpec.fft(sd: 0.01, decayPower: 1)

    public init(parsing text: String, option: String) throws {
        let (entry, parts) = try catalogEntry(Self.catalog, text, option: option)
        let v = try entry.numbers(parts, option: option, text: text)
        guard v.last! >= 0 else { throw RefvisError.usage("\(option): '\(text)': sd must be ≥ 0") }
        switch entry.name {
        case "pixel": self = .pixel(sd: v[0])
        case "fft": self = .fft(sd: v[0], decayPower: v[1])
        case "lowres": self = .lowres(factor: try wholeNumber(v[0], "factor", in: 1...4096, option: option), sd: v[1])
        default: self = .laplacian(levels: try wholeNumber(v[0], "levels", in: 1...16, option: option), sd: v[1])
        }
    }

    public var text: String {
        switch self {
        case .pixel(let sd): return "pixel:\(specNumber(sd))"
        case .fft(let sd, let decay): return "fft:\(specNumber(sd)):\(specNumber(decay))"
        case .lowres(let factor, let sd): return "lowres:\(factor):\(specNumber(sd))"
        case .laplacian(let levels, let sd): return "laplacian:\(levels):\(specNumber(sd))"
        }
    }

    /// True for the pixel parameterization, whose parameter is the image itself
    /// (the after-step image operations and octaves need that).
    public var isPixel: Bool { if case .pixel = self { return true } else { return false } }

    /// The parameterization of an image of `shape` (B, C, H, W).
    public func make(shape: [Int]) throws -> any ImageParameterization {
        switch self {
        case .pixel(let sd): return try PixelImage(shape: shape, sd: sd)
        case .fft(let sd, let decay): return try FourierImage(shape: shape, sd: sd, decayPower: decay)
        case .lowres(let factor, let sd):
            let reduced = [shape[0], shape[1], max(1, shape[2] / factor), max(1, shape[3] / factor)]
            return try LowresTensor(shape: shape, underlyingShape: reduced, sd: sd)
        case .laplacian(let levels, let sd): return try LaplacianPyramidImage(shape: shape, levels: levels, sd: sd)
        }
    }
}

/// What keeps the image's values valid after colour mixing.
public enum SquashSpec: String, SpecText, CaseIterable {
    /// σ(x): Lucid's and Lucent's `to_valid_rgb`.
    case sigmoid
    /// (tanh(x) + 1)/2: seed 000.
    case tanh
    /// Nothing: the pixel-space seeds (002, 004) keep values in range by
    /// clipping after each step (`--after-step clip:…`) instead.
    case none

    public static let catalog = [
        SpecEntry("sigmoid", "σ(x), Lucid's and Lucent's to_valid_rgb"),
        SpecEntry("tanh", "(tanh(x) + 1)/2, seed 000's variant"),
        SpecEntry("none", "no squash (pixel-space ascent; clip after each step instead)"),
    ]

    public init(parsing text: String, option: String) throws {
        guard let value = SquashSpec(rawValue: text) else {
            throw RefvisError.usage("\(option): unknown squash '\(text)' (sigmoid, tanh, none)")
        }
        self = value
    }

    public var text: String { rawValue }

    // Written out so the text form wins over the case-keyed coding the
    // compiler would synthesize for an enum.
    public init(from decoder: any Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self), option: "recipe")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
