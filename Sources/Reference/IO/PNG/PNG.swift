import Foundation
import ReferenceCore

/// A PNG writer in pure Swift (ISO/IEC 15948): 8-bit greyscale, RGB or RGBA,
/// non-interlaced, compressed with refvis's own DEFLATE (`Deflate`). Reading,
/// of any PNG, is in PNGDecoder.swift (`PNG.read(path:)`, `PNG.decode(data:name:)`).
///
/// Each row is filtered with whichever of the five PNG filters gives the
/// smallest sum of absolute values (the heuristic the PNG specification
/// suggests), which makes smooth images compress well.
public enum PNG {
    /// Encodes an image tensor of shape (1, C, H, W) or (C, H, W), C = 1, 3 or 4,
    /// values in [0, 1]: clamped to [0, 1] and rounded to the nearest of 0…255.
    /// NaN is an error naming `name`, the channel, row and column.
    public static func encode(_ image: Tensor, name: String = "image") throws -> Data {
        let shape = image.shape
        let chw: [Int]
        if shape.count == 4, shape[0] == 1 { chw = Array(shape[1...]) }
        else if shape.count == 3 { chw = shape }
        else { throw RefvisError("\(name): a PNG needs an image of shape (1, C, H, W) or (C, H, W), got \(formatShape(shape))") }
        let (channels, height, width) = (chw[0], chw[1], chw[2])
        let colorType: UInt8
        switch channels {
        case 1: colorType = 0
        case 3: colorType = 2
        case 4: colorType = 6
        default: throw RefvisError("\(name): a PNG needs 1, 3 or 4 channels, got \(channels)")
        }
        guard width >= 1, height >= 1, width <= 1 << 24, height <= 1 << 24 else {
            throw RefvisError("\(name): PNG sizes must be between 1 and 2^24, got \(height)×\(width)")
        }

        // Interleave to rows of bytes, each preceded by its filter type.
        let rowBytes = width * channels
        var raw = [UInt8](repeating: 0, count: height * rowBytes)
        let plane = height * width
        for c in 0..<channels {
            for y in 0..<height {
                for x in 0..<width {
                    let value = image.scalars[c * plane + y * width + x]
                    guard !value.isNaN else { throw RefvisError("\(name): NaN at channel \(c), row \(y), column \(x)") }
                    raw[y * rowBytes + x * channels + c] = UInt8((min(max(value, 0), 1) * 255).rounded())
                }
            }
        }
        var filtered = [UInt8]()
        filtered.reserveCapacity(height * (rowBytes + 1))
        var previous = [UInt8](repeating: 0, count: rowBytes)
        for y in 0..<height {
            let row = Array(raw[(y * rowBytes)..<((y + 1) * rowBytes)])
            let (filter, bytes) = bestFilter(row, previous: previous, bytesPerPixel: channels)
            filtered.append(filter)
            filtered += bytes
            previous = row
        }

        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, colorType, 0, 0, 0]  // bit depth, colour type, deflate, adaptive filtering, no interlace
        png += chunk("IHDR", header)
        png += chunk("IDAT", Deflate.zlib(filtered))
        png += chunk("IEND", [])
        return Data(png)
    }

    /// Encodes and writes atomically: the file is complete or absent.
    public static func write(_ image: Tensor, to path: String) throws {
        try AtomicFile.write(encode(image, name: path), to: path)
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(CRC32.of(typeBytes + data))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// The filter (0 none, 1 sub, 2 up, 3 average, 4 Paeth) whose output has the
    /// smallest sum of absolute values as signed bytes, and that output.
    private static func bestFilter(_ row: [UInt8], previous: [UInt8], bytesPerPixel bpp: Int) -> (UInt8, [UInt8]) {
        var best: (UInt8, [UInt8]) = (0, row)
        var bestScore = Int.max
        for filter in UInt8(0)...4 {
            var out = [UInt8](repeating: 0, count: row.count)
            for i in 0..<row.count {
                let a = i >= bpp ? Int(row[i - bpp]) : 0
                let b = Int(previous[i])
                let c = i >= bpp ? Int(previous[i - bpp]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                default: predictor = paeth(a, b, c)
                }
                out[i] = UInt8(truncatingIfNeeded: Int(row[i]) - predictor)
            }
            let score = out.reduce(0) { $0 + abs(Int(Int8(bitPattern: $1))) }
            if score < bestScore {
                bestScore = score
                best = (filter, out)
            }
        }
        return best
    }

    /// The Paeth predictor: whichever of left, up, upper-left is closest to left + up − upper-left.
    private static func paeth(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let p = a + b - c
        let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }
}
