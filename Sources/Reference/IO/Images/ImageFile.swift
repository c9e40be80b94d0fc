import ReferenceCore

/// Reads the images people have into tensors (1, C, H, W) in [0, 1], by
/// extension: `.png`, `.jpg`/`.jpeg` (EXIF orientation applied), `.ppm`/`.pgm`,
/// or `.npy` (any (N, C, H, W) array, taken as it is).
public enum ImageFile {
    /// The extensions `read` knows.
    public static let extensions = ["jpeg", "jpg", "npy", "pgm", "png", "ppm"]

    /// The image at `path`; a one-line error names the file and the fault.
    public static func read(path: String) throws -> Tensor {
        let image: Tensor
        switch AtomicFile.fileExtension(path) {
        case "npy": image = try NumPyFile.read(path: path)
        case "ppm", "pgm": image = try NetPBM.read(path: path)
        case "png": image = try PNG.read(path: path)
        case "jpg", "jpeg": image = try rgbFromCMYK(try JPEG.read(path: path))
        default:
            throw RefvisError.usage("\(path): refvis reads images as \(extensions.map { "." + $0 }.joined(separator: ", ")), by extension")
        }
        guard image.rank == 4 else {
            throw RefvisError("\(path): expected an image (N, C, H, W), got shape \(formatShape(image.shape))")
        }
        return image
    }

    /// The image at `path` as a model wants it: `channels` channels (nil:
    /// as stored), resized so the shorter side is `size`'s and centre-cropped
    /// to it when `size` is given — torchvision's Resize(min side) + CenterCrop.
    public static func read(path: String, channels: Int?, size: (height: Int, width: Int)?) throws -> Tensor {
        var image = try read(path: path)
        if let channels { image = try wrap(path) { try convertChannels(image, to: channels) } }
        if let size {
            let (h, w) = (image.shape[2], image.shape[3])
            let scale = max(Double(size.height) / Double(h), Double(size.width) / Double(w))
            let resizedH = max(size.height, Int((Double(h) * scale).rounded()))
            let resizedW = max(size.width, Int((Double(w) * scale).rounded()))
            image = try resizeImage(image, height: resizedH, width: resizedW)
            image = try centreCrop(image, height: size.height, width: size.width)
        }
        return image
    }

    /// A JPEG's 4 channels are CMYK, never RGBA: converted to RGB as Pillow's
    /// `convert("RGB")` does, R = (1 − C)(1 − K) and likewise G, B (Pillow
    /// rounds to 8 bits). Other channel counts pass through.
    static func rgbFromCMYK(_ image: Tensor) -> Tensor {
        guard image.rank == 4, image.shape[1] == 4 else { return image }
        let (n, h, w) = (image.shape[0], image.shape[2], image.shape[3])
        let plane = h * w
        var out = [Double](repeating: 0, count: n * 3 * plane)
        for b in 0..<n {
            for k in 0..<3 {
                for i in 0..<plane {
                    let ink = image.scalars[(b * 4 + k) * plane + i], black = image.scalars[(b * 4 + 3) * plane + i]
                    out[(b * 3 + k) * plane + i] = (1 - ink) * (1 - black)
                }
            }
        }
        return Tensor(shape: [n, 3, h, w], scalars: out)
    }
}
