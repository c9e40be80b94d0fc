import ReferenceCore
import ReferenceIO
// Lucid's and Lucent's standard_transforms, and Lucent's preprocessing tail.

/// The transform lists of Lucid and Lucent. Both are
///
///     pad(12, constant 0.5), jitter(8), random_scale([1 + (i − 5)/50 for i in 0…10]),
///     random_rotate(−10…10 degrees + five more 0s), jitter(4)
///
/// but the libraries' jitters, scales and rotations differ (crop vs
/// translation, TF resize vs PyTorch interpolate, nearest vs bilinear).
/// refvis's default is Lucent's, since refvis follows PyTorch's conventions.
public enum StandardTransforms {
    /// 0.9, 0.92, …, 1.1, computed as Python does: `1 + (i − 5)/50.0`.
    public static let scales: [Double] = (0...10).map { 1 + Double($0 - 5) / 50.0 }

    /// `list(range(-10, 11)) + 5 * [0]`: 26 angles in degrees, 0 six times.
    public static let angles: [Double] = (-10...10).map(Double.init) + Array(repeating: 0, count: 5)

    /// Lucent's `standard_transforms` (refvis's default).
    public static func lucent() throws -> [any Transform] {
        try [PadTransform(12, fill: .constant(0.5)), LucentJitter(8), LucentRandomScale(scales),
              LucentRandomRotate(angles), LucentJitter(4)]
    }

    /// Lucid's `standard_transforms`.
    public static func lucid() throws -> [any Transform] {
        try [PadTransform(12, fill: .constant(0.5)), LucidJitter(8), LucidRandomScale(scales),
              LucidRandomRotate(angles), LucidJitter(4)]
    }

    /// refvis's default: Lucent's.
    public static func standard() throws -> [any Transform] { try lucent() }

    /// What Lucent's `render_vis(preprocess=True)` appends to the transforms:
    /// `preprocess_inceptionv1()` for InceptionV1, otherwise ImageNet
    /// `normalize()`; then an upsample to 224×224 (bilinear, align_corners) when
    /// the image is smaller than 224 in either dimension.
    public static func lucentPreprocessing(inceptionV1: Bool, imageHeight: Int, imageWidth: Int) throws -> [any Transform] {
        var tail: [any Transform] = [inceptionV1 ? PreprocessInceptionV1() : try Normalize()]
        if imageHeight < 224 || imageWidth < 224 {
            tail.append(try Upsample(size: 224))
        }
        return tail
    }
}

/// Lucent's `standard_transforms` (refvis's default); see `StandardTransforms`.
public func lucentStandardTransforms() throws -> [any Transform] { try StandardTransforms.lucent() }

/// Lucid's `standard_transforms`; see `StandardTransforms`.
public func lucidStandardTransforms() throws -> [any Transform] { try StandardTransforms.lucid() }
