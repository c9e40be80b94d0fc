import Foundation
import ReferenceCore

/// What is done to the image after each update (pixel parameterization only,
/// where the parameter is the image): the touch-ups of the pixel-space seeds.
public enum AfterStepOperation: SpecText {
    /// Clamp every pixel into [low, high] (seed 004: the model's pixel range; seed 002's deprocess clip).
    case clip(low: Double, high: Double)
    /// A Gaussian blur every `every` steps (seed 004's `blur_every`), with the
    /// `gaussian_blur` op (torchvision semantics) and radius ⌊4σ + ½⌋ as
    /// scipy's `gaussian_filter` (truncate 4).
    case blur(every: Int, sigma: Double)
    /// `denoise_tv_chambolle(weight)` after every step from step `from` on
    /// (seed 002: weight 0.0005 or 0.001 from iteration 50). `perChannel`
    /// false denoises the whole (N, C, H, W) array as one n-d signal, as the
    /// seed's call without a channel axis does; true denoises each channel.
    case tvChambolle(from: Int, weight: Double, perChannel: Bool)

    public static let catalog = [
        SpecEntry("clip", [("low", 0), ("high", 1)], "clamp pixels into [low, high] (seeds 002, 004)"),
        SpecEntry("blur", [("every", 10), ("sigma", 0.5)], "Gaussian blur every N steps (seed 004's blur_every, blur_sigma)"),
        SpecEntry("tv_chambolle", [("from", 50), ("weight", 0.001), ("per_channel", 0)],
                  "skimage's denoise_tv_chambolle after each step from step FROM (seed 002); per_channel 0 is the seed's whole-array call"),
    ]

    public init(parsing text: String, option: String) throws {
        let (entry, parts) = try catalogEntry(Self.catalog, text, option: option)
        let v = try entry.numbers(parts, option: option, text: text)
        switch entry.name {
        case "clip":
            guard v[0] <= v[1] else { throw RefvisError.usage("\(option): '\(text)': low must not exceed high") }
            self = .clip(low: v[0], high: v[1])
        case "blur":
            guard v[1] > 0 else { throw RefvisError.usage("\(option): '\(text)': sigma must be > 0") }
            self = .blur(every: try wholeNumber(v[0], "every", in: 1...1_000_000, option: option), sigma: v[1])
        default:
            guard v[1] > 0 else { throw RefvisError.usage("\(option): '\(text)': weight must be > 0") }
            let perChannel = try wholeNumber(v[2], "per_channel", in: 0...1, option: option)
            self = .tvChambolle(from: try wholeNumber(v[0], "from", in: 1...1_000_000, option: option), weight: v[1], perChannel: perChannel == 1)
        }
    }

    public var text: String {
        switch self {
        case .clip(let low, let high): return "clip:\(specNumber(low)):\(specNumber(high))"
        case .blur(let every, let sigma): return "blur:\(every):\(specNumber(sigma))"
        case .tvChambolle(let from, let weight, let perChannel): return "tv_chambolle:\(from):\(specNumber(weight)):\(perChannel ? 1 : 0)"
        }
    }

    /// Applies the operation to `image` after step `step`.
    public func apply(_ image: Tensor, step: Int) throws -> Tensor {
        switch self {
        case .clip(let low, let high):
            return Tensor(shape: image.shape, scalars: image.scalars.map { min(max($0, low), high) })
        case .blur(let every, let sigma):
            guard step % every == 0 else { return image }
            let radius = Int(4 * sigma + 0.5)
            let size = 2 * radius + 1
            guard size > 1 else { return image }
            return try gaussianBlur(image, kernelSize: [size], sigma: [sigma])
        case .tvChambolle(let from, let weight, let perChannel):
            guard step >= from else { return image }
            return perChannel ? try denoiseTVChambolle(image, weight: weight) : try denoiseTVChambolleND(image, weight: weight)
        }
    }

    /// Throws unless the operation works on an (N, C, H, W) image of `height` × `width`.
    func check(height: Int, width: Int, option: String) throws {
        if case .blur(_, let sigma) = self {
            let radius = Int(4 * sigma + 0.5)
            guard radius < min(height, width) else {
                throw RefvisError.usage("\(option): '\(text)' needs an image larger than its radius \(radius) (reflect padding), got \(height)×\(width)")
            }
        }
    }
}

/// DeepDream's octaves: the run is split into `count` phases of equal
/// length; phase k works at size/scale^(count − 1 − k), and between phases
/// the image is resized bilinearly to the next size and the optimizer
/// starts afresh. Needs the pixel parameterization.
public struct OctaveSchedule: SpecText {
    public var count: Int
    public var scale: Double

    public static let catalog = [SpecEntry("octaves", [("count", 4), ("scale", 1.4)],
                                           "COUNT phases, each SCALE times larger than the one before (DeepDream)")]

    public init(count: Int, scale: Double) {
        self.count = count
        self.scale = scale
    }

    public init(parsing text: String, option: String) throws {
        let (entry, parts) = try catalogEntry(Self.catalog, text, option: option)
        let v = try entry.numbers(parts, option: option, text: text)
        guard v[1] >= 1 else { throw RefvisError.usage("\(option): '\(text)': scale must be ≥ 1") }
        self.init(count: try wholeNumber(v[0], "count", in: 1...32, option: option), scale: v[1])
    }

    public var text: String { "octaves:\(count):\(specNumber(scale))" }

    /// The (height, width) of phase `phase`.
    public func size(phase: Int, height: Int, width: Int) -> (height: Int, width: Int) {
        let factor = pow(scale, Double(count - 1 - phase))
        return (max(1, Int((Double(height) / factor).rounded())), max(1, Int((Double(width) / factor).rounded())))
    }
}
