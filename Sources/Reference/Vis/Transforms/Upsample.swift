import ReferenceCore
import ReferenceIO
// Lucent's upsampling of small images, as an explicit transform.

/// Lucent's upsampling of small images. Lucent's `render_vis` (with
/// `preprocess=True`, its default) appends
///
///     torch.nn.Upsample(size=224, mode="bilinear", align_corners=True)
///
/// after the transforms and preprocessing when the parameterized image is
/// smaller than 224 on either side, so that a 128-pixel render reaches the
/// model at 224×224. Lucent does this silently; refvis makes it an explicit,
/// documented option — `upsample:SIZE` in `--transforms` (SIZE 224 unless
/// given; see `TransformSpec.upsample`) — and
/// `StandardTransforms.lucentPreprocessing` appends it under Lucent's rule.
///
/// It is the registered `interpolate` op to (height, width), bilinear with
/// align_corners = true, and makes no random choices. Whatever size the image
/// has when it arrives (the transforms before it may have grown or shrunk it),
/// the output is height × width, as Lucent's; an image already larger is
/// resized down, which Lucent never asks for (it appends the upsample only
/// for smaller images).
public struct Upsample: Transform {
    public let height: Int
    public let width: Int
    public var kind: String { "upsample" }

    /// Lucent's output side.
    public static let lucentSize = 224

    public init(size: Int = Upsample.lucentSize) throws { try self.init(height: size, width: size) }

    public init(height: Int, width: Int) throws {
        guard height >= 1, width >= 1 else {
            throw RefvisError.usage("upsample: the size must be at least 1×1, got \(height)×\(width)")
        }
        self.height = height
        self.width = width
    }

    public func apply(_ image: Variable, on tape: Tape, choices: inout TransformChoices) throws -> Variable {
        _ = try TransformImage.size(image, on: tape, kind)
        return try tape.interpolate(image, size: [height, width], mode: .bilinear, alignCorners: true)
    }
}
