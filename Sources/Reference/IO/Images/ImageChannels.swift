import ReferenceCore

/// An image (N, C, H, W) with `channels` channels, converted as Pillow's
/// `Image.convert` converts its modes:
///
/// - grey → RGB: the grey value in every channel; grey → RGBA also alpha 1;
/// - RGB → grey: ITU-R 601-2 luma, L = 0.299 R + 0.587 G + 0.114 B
///   (Pillow's "L"; Pillow rounds to 8 bits, refvis keeps float64);
/// - an alpha channel (grey+alpha, RGBA) is dropped when the target has none,
///   without compositing (as Pillow's `convert("RGB")`), and set to 1 when
///   the target has one the source lacks.
///
/// 1 ↔ 2 ↔ 3 ↔ 4 channels are supported; other counts only to themselves.
public func convertChannels(_ image: Tensor, to channels: Int) throws -> Tensor {
    guard image.rank == 4 else {
        throw RefvisError("convert channels: expected an image (N, C, H, W), got shape \(formatShape(image.shape))")
    }
    let (n, c, h, w) = (image.shape[0], image.shape[1], image.shape[2], image.shape[3])
    if c == channels { return image }
    guard (1...4).contains(c), (1...4).contains(channels) else {
        throw RefvisError.usage("convert channels: cannot turn \(c) channels into \(channels) (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA)")
    }
    let plane = h * w
    func channel(_ b: Int, _ k: Int) -> ArraySlice<Double> { image.scalars[((b * c + k) * plane)..<((b * c + k + 1) * plane)] }
    var out = [Double]()
    out.reserveCapacity(n * channels * plane)
    for b in 0..<n {
        let colour: [ArraySlice<Double>]
        if c >= 3 {
            colour = [channel(b, 0), channel(b, 1), channel(b, 2)]
        } else {
            colour = [channel(b, 0)]
        }
        let alpha: ArraySlice<Double>? = (c == 2 || c == 4) ? channel(b, c - 1) : nil
        let wantsAlpha = channels == 2 || channels == 4
        if channels >= 3 {
            for k in 0..<3 { out += colour.count == 3 ? colour[k] : colour[0] }
        } else if colour.count == 3 {
            out += (0..<plane).map { i in
                0.299 * colour[0][colour[0].startIndex + i] + 0.587 * colour[1][colour[1].startIndex + i] + 0.114 * colour[2][colour[2].startIndex + i]
            }
        } else {
            out += colour[0]
        }
        if wantsAlpha { out += alpha ?? ArraySlice(repeating: 1, count: plane) }
    }
    return Tensor(shape: [n, channels, h, w], scalars: out)
}
