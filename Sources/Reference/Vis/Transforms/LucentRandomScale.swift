import ReferenceCore
import ReferenceIO
// Lucent's random_scale: bilinear resize (align_corners) to ⌈s·size⌉, then
// zero padding towards the original size.

/// Lucent's `random_scale(scales)`: a scale s from the list
/// (`np.random.choice`), then
///
///     (h', w') = (⌈s·H⌉, ⌈s·W⌉)                      (Float64 products, as NumPy)
///     x' = interpolate(image, size (h', w'), bilinear, align_corners = true)
///     pad_y = max(0, ⌈(H − h')/2⌉),  pad_x = max(0, ⌈(W − w')/2⌉)
///     out = F.pad(x', [pad_y, pad_x, pad_y, pad_x])   (zeros)
///
/// Lucent's quirk is kept: its pad list is `[pad_y, pad_x] * 2`, and `F.pad`
/// reads it as (left, right, top, bottom), so the width gets pad_y on the left
/// and pad_x on the right, the height pad_y on top and pad_x at the bottom
/// (the same thing for square images). The output is not always H×W: it grows
/// for s > 1 (nothing is cropped) and can be one pixel larger for s < 1 when
/// H − h' is odd. Choice: `scale`.
public struct LucentRandomScale: Transform {
    public let scales: [Double]
    public var kind: String { "lucent_random_scale" }

    public init(_ scales: [Double]) throws {
        self.scales = try TransformImage.checkedScales(scales, "lucent_random_scale")
    }

    /// The resized size and the pads (left, right, top, bottom) for scale `s` of an H×W image.
    public static func geometry(scale s: Double, height: Int, width: Int) -> (size: [Int], pad: [Int]) {
        let scaledHeight = Int((s * Double(height)).rounded(.up))
        let scaledWidth = Int((s * Double(width)).rounded(.up))
        let padX = max(0, Int((Double(width - scaledWidth) / 2).rounded(.up)))
        let padY = max(0, Int((Double(height - scaledHeight) / 2).rounded(.up)))
        return ([scaledHeight, scaledWidth], [padY, padX, padY, padX])
    }

    public func apply(_ image: Variable, on tape: Tape, choices: inout TransformChoices) throws -> Variable {
        let size = try TransformImage.size(image, on: tape, kind)
        let scale = try choices.element("scale", of: scales)
        let (scaled, pad) = LucentRandomScale.geometry(scale: scale, height: size.h, width: size.w)
        guard scaled.allSatisfy({ $0 >= 1 }) else {
            throw RefvisError("lucent_random_scale: scale \(formatDouble(scale)) of a \(size.h)×\(size.w) image leaves no pixels")
        }
        let resized = try tape.interpolate(image, size: scaled, mode: .bilinear, alignCorners: true)
        return try tape.pad(resized, pad, mode: .constant, value: 0)
    }
}
