import ReferenceCore
import ReferenceIO
// Lucid's random_scale: TensorFlow 1's bilinear resize to ⌊s·size⌋ (in
// Float32), no padding.

/// Lucid's `random_scale(scales)` (its 2-d version): a scale s from the list,
/// then `tf.compat.v1.image.resize_bilinear(t, int32(s·shape))`:
///
///     (h', w') = (⌊Float32(s)·Float32(H)⌋, ⌊Float32(s)·Float32(W)⌋)
///     out = resize_bilinear_nd(image, (N, C, h', w'))
///
/// The size is computed in Float32 and truncated, as TensorFlow does (so
/// s = 0.9 of 224 is 201, not 202). The resize is TF1's legacy bilinear
/// (align_corners = false, half_pixel_centers = false), refvis's registered
/// op `resize_bilinear_nd`; there is no padding, so the size changes.
/// Choice: `scale`.
public struct LucidRandomScale: Transform {
    public let scales: [Double]
    public var kind: String { "lucid_random_scale" }

    public init(_ scales: [Double]) throws {
        self.scales = try TransformImage.checkedScales(scales, "lucid_random_scale")
    }

    /// ⌊Float32(s)·Float32(n)⌋, TensorFlow's `cast(s * cast(n, float32), int32)`.
    public static func scaledSize(scale: Double, size: Int) -> Int {
        let product = Float(scale) * Float(size)
        return product < Float(Int32.max) ? Int(product) : Int(Int32.max)
    }

    public func apply(_ image: Variable, on tape: Tape, choices: inout TransformChoices) throws -> Variable {
        let size = try TransformImage.size(image, on: tape, kind)
        let scale = try choices.element("scale", of: scales)
        let height = LucidRandomScale.scaledSize(scale: scale, size: size.h)
        let width = LucidRandomScale.scaledSize(scale: scale, size: size.w)
        guard height >= 1, width >= 1 else {
            throw RefvisError("lucid_random_scale: scale \(formatDouble(scale)) of a \(size.h)×\(size.w) image leaves no pixels")
        }
        return try tape.resizeBilinearND(image, shape: [size.n, size.c, height, width])
    }
}
