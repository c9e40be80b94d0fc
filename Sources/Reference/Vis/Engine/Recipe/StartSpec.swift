import ReferenceCore

/// Where the parameters start.
public enum StartSpec: SpecText {
    /// The parameterization's own initializer (Lucid, Lucent: small noise).
    case parameterization
    /// Pixels N(mean, sd²): seed 004's class visualization starts from randn.
    case normal(sd: Double, mean: Double)
    /// Pixels uniform in [low, high): seed 002 draws U(0, 1), centres and scales it to ±0.125.
    case uniform(low: Double, high: Double)
    /// Every pixel `value`.
    case constant(value: Double)
    /// A picture (.png, .jpg, .ppm, .pgm, .npy), resized and cropped to the
    /// run's size, as the parameters whose image it is (`ImageStart`).
    case image(path: String)

    public static let catalog = [
        SpecEntry("parameterization", "the parameterization's own initial values (default)"),
        SpecEntry("normal", [("sd", 1), ("mean", 0)], "pixels N(mean, sd²), seed 004's randn start (needs --param pixel)"),
        SpecEntry("uniform", [("low", -0.125), ("high", 0.125)], "pixels U(low, high), seed 002's start (needs --param pixel)"),
        SpecEntry("constant", [("value", 0.5)], "every pixel the same value (needs --param pixel)"),
        SpecEntry("image:PATH", "a picture: the parameters whose image it is (--param pixel or fft; squash and colour inverted)"),
    ]

    public init(parsing text: String, option: String) throws {
        if text.hasPrefix("image:") {
            let path = String(text.dropFirst("image:".count))
            guard !path.isEmpty else { throw RefvisError.usage("\(option): 'image:' needs a file, as image:photo.jpg") }
            self = .image(path: path)
            return
        }
        let (entry, parts) = try catalogEntry(Self.catalog, text, option: option)
        let v = try entry.numbers(parts, option: option, text: text)
        switch entry.name {
        case "parameterization": self = .parameterization
        case "normal":
            guard v[0] >= 0 else { throw RefvisError.usage("\(option): '\(text)': sd must be ≥ 0") }
            self = .normal(sd: v[0], mean: v[1])
        case "uniform":
            guard v[0] < v[1] else { throw RefvisError.usage("\(option): '\(text)': low must be below high") }
            self = .uniform(low: v[0], high: v[1])
        default: self = .constant(value: v[0])
        }
    }

    public var text: String {
        switch self {
        case .parameterization: return "parameterization"
        case .normal(let sd, let mean): return "normal:\(specNumber(sd)):\(specNumber(mean))"
        case .uniform(let low, let high): return "uniform:\(specNumber(low)):\(specNumber(high))"
        case .constant(let value): return "constant:\(specNumber(value))"
        case .image(let path): return "image:\(path)"
        }
    }

    /// Initial pixel values of `shape`, drawn from `rng` in row-major order.
    func pixels(_ shape: [Int], _ rng: inout RandomGenerator) -> Tensor? {
        switch self {
        case .parameterization, .image: return nil
        case .normal(let sd, let mean):
            var t = rng.normalTensor(shape, std: sd)
            if mean != 0 { t.scalars = t.scalars.map { $0 + mean } }
            return t
        case .uniform(let low, let high): return rng.uniformTensor(shape, low, high)
        case .constant(let value): return Tensor(repeating: value, shape: shape)
        }
    }
}

/// What is done to the gradient before the update (seed 002's, MATLAB's).
public enum GradientProcessing: SpecText {
    /// g / ‖g‖₂ over each image: `tf.math.l2_normalize` of seed 002.
    case l2
    /// g / (std(g) + 1e-9): MATLAB DeepDream's normalization (seed 001).
    case std
    /// Laplacian-pyramid normalization with `levels` bands (MATLAB DeepDream).
    case laplacian(levels: Int)

    public static let catalog = [
        SpecEntry("l2", "g / ‖g‖ per image (the Keras seed's l2_normalize)"),
        SpecEntry("std", "g / (std(g) + 1e-9) per image (MATLAB DeepDream)"),
        SpecEntry("laplacian", [("levels", 4)], "each Laplacian-pyramid band divided by its std (MATLAB DeepDream; needs --param pixel)"),
    ]

    public init(parsing text: String, option: String) throws {
        let (entry, parts) = try catalogEntry(Self.catalog, text, option: option)
        let v = try entry.numbers(parts, option: option, text: text)
        switch entry.name {
        case "l2": self = .l2
        case "std": self = .std
        default: self = .laplacian(levels: try wholeNumber(v[0], "levels", in: 1...16, option: option))
        }
    }

    public var text: String {
        switch self {
        case .l2: return "l2"
        case .std: return "std"
        case .laplacian(let levels): return "laplacian:\(levels)"
        }
    }
}
