/// EXIF orientation (APP1 "Exif", TIFF tag 0x0112): cameras store pixels as
/// the sensor saw them and record how to turn them upright. refvis applies it,
/// as Pillow's ImageOps.exif_transpose does, so an image looks the way every
/// viewer shows it.
enum JPEGOrientation {
    /// The orientation 1…8 in an APP1 payload, or nil if it has none (or a
    /// malformed one: a bad EXIF block is ignored, as Pillow and libjpeg do).
    static func parse(_ payload: ArraySlice<UInt8>) -> Int? {
        let p = Array(payload)
        guard p.count >= 14, Array(p[0..<6]) == [0x45, 0x78, 0x69, 0x66, 0, 0] else { return nil }
        let tiff = Array(p[6...])
        let little: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ i: Int) -> Int? {
            guard i >= 0, i + 2 <= tiff.count else { return nil }
            return little ? Int(tiff[i]) | Int(tiff[i + 1]) << 8 : Int(tiff[i]) << 8 | Int(tiff[i + 1])
        }
        func u32(_ i: Int) -> Int? {
            guard let a = u16(i), let b = u16(i + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for entry in 0..<count {
            let e = ifd + 2 + 12 * entry
            guard let tag = u16(e) else { return nil }
            if tag == 0x0112 {
                guard u16(e + 2) == 3, let value = u16(e + 8), (1...8).contains(value) else { return nil }
                return value
            }
        }
        return nil
    }

    /// Applies `orientation` to planes of `width`×`height`; returns the new
    /// planes and size (5…8 swap width and height).
    static func apply(_ orientation: Int, planes: [[UInt8]], width: Int, height: Int)
        -> (planes: [[UInt8]], width: Int, height: Int) {
        guard orientation != 1 else { return (planes, width, height) }
        let swaps = orientation >= 5
        let (outW, outH) = swaps ? (height, width) : (width, height)
        // For each output pixel (y, x), the source pixel, matching PIL's
        // FLIP_LEFT_RIGHT, ROTATE_180, FLIP_TOP_BOTTOM, TRANSPOSE, ROTATE_270,
        // TRANSVERSE and ROTATE_90 for orientations 2…8.
        func source(_ y: Int, _ x: Int) -> (Int, Int) {
            switch orientation {
            case 2: return (y, width - 1 - x)
            case 3: return (height - 1 - y, width - 1 - x)
            case 4: return (height - 1 - y, x)
            case 5: return (x, y)
            case 6: return (height - 1 - x, y)
            case 7: return (height - 1 - x, width - 1 - y)
            default: return (x, width - 1 - y)
            }
        }
        let result = planes.map { plane -> [UInt8] in
            var out = [UInt8](repeating: 0, count: outW * outH)
            for y in 0..<outH {
                for x in 0..<outW {
                    let (sy, sx) = source(y, x)
                    out[y * outW + x] = plane[sy * width + sx]
                }
            }
            return out
        }
        return (result, outW, outH)
    }
}
