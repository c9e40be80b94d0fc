import ReferenceCore

/// Chroma upsampling as libjpeg-turbo's jdsample.c does it with
/// do_fancy_upsampling on (the default, and Pillow's): "fancy" triangular
/// interpolation for 2:1 horizontal (h2v1), 2:1 both ways (h2v2) and 2:1
/// vertical (h1v2); plain replication for other integral ratios such as 4:1:1.
/// Edges replicate the component's last real sample (its downsampled size,
/// not its padded block size), which is what libjpeg's context rows do.
enum JPEGUpsampling {
    /// A component plane of `width`×`height` samples stored with row pitch
    /// `stride`, upsampled by (`hFactor`, `vFactor`) and cropped to
    /// `outWidth`×`outHeight`.
    static func upsample(_ plane: [UInt8], width: Int, height: Int, stride: Int,
                         hFactor: Int, vFactor: Int, outWidth: Int, outHeight: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: outWidth * outHeight)
        @inline(__always) func at(_ y: Int, _ x: Int) -> Int { Int(plane[min(y, height - 1) * stride + x]) }
        let fancyAllowed = width > 2
        if hFactor == 2, vFactor == 1, fancyAllowed {
            // h2v1_fancy_upsample: 3/4 of the nearer sample + 1/4 of the further,
            // with biases 1 and 2 alternating so rounding does not drift.
            for y in 0..<outHeight {
                let row = min(y, height - 1)
                var line = [UInt8](repeating: 0, count: 2 * width)
                for x in 0..<width {
                    let v = at(row, x) * 3
                    line[2 * x] = x == 0 ? UInt8(at(row, 0)) : UInt8((v + at(row, x - 1) + 1) >> 2)
                    line[2 * x + 1] = x == width - 1 ? UInt8(at(row, x)) : UInt8((v + at(row, x + 1) + 2) >> 2)
                }
                for x in 0..<outWidth { out[y * outWidth + x] = line[x] }
            }
        } else if hFactor == 2, vFactor == 2, fancyAllowed {
            // h2v2_fancy_upsample: first a vertical 3:1 blend with the nearer
            // neighbouring row ("colsum"), then a horizontal 3:1 blend of colsums,
            // biases 8 and 7.
            for y in 0..<outHeight {
                let row = y / 2
                guard row < height else { break }
                let other = y % 2 == 0 ? max(row - 1, 0) : min(row + 1, height - 1)
                func colsum(_ x: Int) -> Int { at(row, x) * 3 + at(other, x) }
                var line = [UInt8](repeating: 0, count: 2 * width)
                for x in 0..<width {
                    let this = colsum(x)
                    line[2 * x] = x == 0 ? UInt8((this * 4 + 8) >> 4) : UInt8((this * 3 + colsum(x - 1) + 8) >> 4)
                    line[2 * x + 1] = x == width - 1 ? UInt8((this * 4 + 7) >> 4) : UInt8((this * 3 + colsum(x + 1) + 7) >> 4)
                }
                for x in 0..<outWidth { out[y * outWidth + x] = line[x] }
            }
        } else if hFactor == 1, vFactor == 2, height > 0 {
            // h1v2_fancy_upsample (libjpeg-turbo): vertical 3:1 blend, biases 1 and 2.
            for y in 0..<outHeight {
                let row = y / 2
                guard row < height else { break }
                let (other, bias) = y % 2 == 0 ? (max(row - 1, 0), 1) : (min(row + 1, height - 1), 2)
                for x in 0..<outWidth { out[y * outWidth + x] = UInt8((at(row, x) * 3 + at(other, x) + bias) >> 2) }
            }
        } else {
            // int_upsample / fullsize: each sample repeated hFactor × vFactor times.
            for y in 0..<outHeight {
                let row = min(y / vFactor, height - 1)
                for x in 0..<outWidth { out[y * outWidth + x] = UInt8(at(row, min(x / hFactor, width - 1))) }
            }
        }
        return out
    }
}
