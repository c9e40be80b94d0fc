import ReferenceCore
import ReferenceIO
// Refusing, before any run, transforms that cannot work on the image they
// will get: each transform's precondition as its code has it, applied in
// order while the possible image sizes are tracked.

extension TransformSpec {
    /// An image size between transforms: the batch and the height and width.
    public struct ImageSize: Hashable, Comparable, Sendable, CustomStringConvertible {
        public var batch: Int
        public var height: Int
        public var width: Int

        public init(batch: Int = 1, height: Int, width: Int) {
            self.batch = batch
            self.height = height
            self.width = width
        }

        public static func < (a: ImageSize, b: ImageSize) -> Bool {
            (a.height, a.width, a.batch) < (b.height, b.width, b.batch)
        }

        /// `H×W`, with the batch in front when it is not 1 (`4×H×W`).
        public var description: String { batch == 1 ? "\(height)×\(width)" : "\(batch)×\(height)×\(width)" }
    }

    /// Throws unless this transform can work on an image of height × width
    /// (see the list version).
    public func check(height: Int, width: Int, option: String) throws {
        try TransformSpec.check([self], height: height, width: width, option: option)
    }

    /// Checks, before any run, that every transform of `specs` can work on the
    /// image it will get when the list is applied to a batch × height × width
    /// image, and returns the sizes the list can leave (several when a random
    /// scale is chosen per step), smallest first.
    ///
    /// The checks are the transforms' own, in order, on every size the image
    /// can have at that point (side meaning both the height and the width):
    ///
    /// - `jitter:D` needs D ≤ side (`LucentJitter`);
    /// - `lucid_jitter:D` needs D < side and takes D off each side (`LucidJitter`);
    /// - `reflect_jitter:TAU` needs TAU + 1 < side (`ReflectJitter`, the reflect `pad`);
    /// - `pad:W` adds 2W to each side; with the reflect fill it needs W < side;
    /// - `rotate`, `lucid_rotate` need side ≥ 2 (`CentreRotation`);
    /// - `lucid_scale` needs every standard scale to leave a pixel, and gives
    ///   one size per scale (`LucidRandomScale.scaledSize`);
    /// - `scale` gives one size per scale (`LucentRandomScale.geometry`, pads included);
    /// - `upsample:SIZE` makes the image SIZE×SIZE;
    /// - `scaled_rotation:COPIES` multiplies the batch by COPIES;
    /// - `roll:D` works on any size.
    ///
    /// No side may pass 2^24 pixels, nor batch·height·width
    /// `Tensor.maxElementCount` elements.
    ///
    /// Errors are one usage line starting "`option`:" that names the
    /// transform, what it needs and the size it would get (and after which
    /// transforms, when earlier ones changed the size).
    @discardableResult
    public static func check(_ specs: [TransformSpec], batch: Int = 1, height: Int, width: Int,
                             option: String) throws -> [ImageSize] {
        guard batch >= 1, height >= 1, width >= 1 else {
            throw RefvisError.usage("\(option): transforms need an image of at least 1×1 pixels and a batch of at least 1, got \(ImageSize(batch: batch, height: height, width: width))")
        }
        let start = ImageSize(batch: batch, height: height, width: width)
        var sizes = [start]
        for (index, spec) in specs.enumerated() {
            if let problem = spec.argumentProblem() {
                throw RefvisError.usage("\(option): \(spec): \(problem)")
            }
            func context(_ size: ImageSize) -> String {
                guard index > 0, sizes != [start] else { return "" }
                let earlier = specs[..<index].map(\.description).joined(separator: ",")
                let one = sizes.count == 1 ? "" : ", one of the sizes it can leave"
                return " after \(earlier) (of a \(start) image\(one))"
            }
            var next = Set<ImageSize>()
            for size in sizes {
                if let need = spec.requirement(height: size.height, width: size.width) {
                    throw RefvisError.usage("\(option): \(spec) needs \(need), got \(size.height)×\(size.width)\(context(size))")
                }
                for output in spec.outputSizes(size) {
                    if let limit = limitProblem(output) {
                        throw RefvisError.usage("\(option): \(spec) would turn \(size)\(context(size)) into \(output): \(limit)")
                    }
                    next.insert(output)
                }
            }
            sizes = next.sorted()
        }
        return sizes
    }

    /// What this transform needs of an H×W image that it lacks, or nil when it can work on it.
    func requirement(height h: Int, width w: Int) -> String? {
        switch self {
        case .jitter(let d) where d > h || d > w:
            return "an image of at least \(d)×\(d) (shifts up to \(d - 1) pixels)"
        case .lucidJitter(let d) where d >= h || d >= w:
            return "an image larger than \(d)×\(d) (a crop \(d) pixels smaller)"
        case .reflectJitter(let tau) where tau + 1 >= h || tau + 1 >= w:
            return "an image larger than \(tau + 1)×\(tau + 1) (reflection padding by tau + 1 = \(tau + 1))"
        case .pad(let width, .reflect) where width >= h || width >= w:
            return "an image larger than \(width)×\(width) (reflection padding by \(width))"
        case .rotate, .lucidRotate:
            return h < 2 || w < 2 ? "an image of at least 2×2 (a rotation about the centre)" : nil
        case .lucidScale:
            guard let bad = StandardTransforms.scales.first(where: {
                LucidRandomScale.scaledSize(scale: $0, size: h) < 1 || LucidRandomScale.scaledSize(scale: $0, size: w) < 1
            }) else { return nil }
            let side = (1...).first { LucidRandomScale.scaledSize(scale: bad, size: $0) >= 1 } ?? 1
            return "an image of at least \(side)×\(side) (scale \(formatDouble(bad)) must leave a pixel)"
        default:
            return nil
        }
    }

    /// The sizes this transform can turn `size` into (one per possible random
    /// scale for the scales), assuming `requirement` is met.
    func outputSizes(_ size: ImageSize) -> [ImageSize] {
        var out = size
        switch self {
        case .jitter, .reflectJitter, .roll, .rotate, .lucidRotate:
            return [size]
        case .lucidJitter(let d):
            out.height -= d
            out.width -= d
        case .pad(let width, _):
            out.height += 2 * width
            out.width += 2 * width
        case .upsample(let side):
            out.height = side
            out.width = side
        case .scaledRotation(let copies):
            out.batch = size.batch.multipliedReportingOverflow(by: copies).overflow ? Int.max : size.batch * copies
        case .scale:
            // Lucent's pad list [pad_y, pad_x] * 2 pads the width by pad_y + pad_x and the height likewise.
            return StandardTransforms.scales.map { s in
                let (scaled, pad) = LucentRandomScale.geometry(scale: s, height: size.height, width: size.width)
                return ImageSize(batch: size.batch, height: scaled[0] + pad[2] + pad[3], width: scaled[1] + pad[0] + pad[1])
            }
        case .lucidScale:
            return StandardTransforms.scales.map { s in
                ImageSize(batch: size.batch, height: LucidRandomScale.scaledSize(scale: s, size: size.height),
                          width: LucidRandomScale.scaledSize(scale: s, size: size.width))
            }
        }
        return [out]
    }

    /// Why an image of `size` is too large for refvis, or nil.
    private static func limitProblem(_ size: ImageSize) -> String? {
        if size.height > maximumTransformPixels || size.width > maximumTransformPixels {
            return "more than \(maximumTransformPixels) pixels on a side"
        }
        let (rows, rowOverflow) = size.batch.multipliedReportingOverflow(by: size.height)
        let (count, countOverflow) = rows.multipliedReportingOverflow(by: size.width)
        if rowOverflow || countOverflow || count > Tensor.maxElementCount {
            return "more than \(Tensor.maxElementCount) elements per channel"
        }
        return nil
    }
}
