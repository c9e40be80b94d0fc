import Foundation
import ReferenceCore

/// Reading and writing binary Netpbm images: PPM (`P6`, RGB) and PGM (`P5`, gray).
///
/// Format (netpbm.sourceforge.net): the magic, then width, height and maxval as
/// ASCII decimal numbers separated by whitespace, then exactly one whitespace
/// byte, then the raster: rows top to bottom, pixels left to right, channels
/// interleaved (R, G, B for PPM). Each sample is 1 byte when maxval < 256 and
/// 2 bytes big-endian otherwise. A `#` starts a comment running to the end of
/// the line; refvis accepts comments anywhere whitespace may appear in the
/// header (including as the delimiter after maxval, as libnetpbm does) but not
/// inside a number.
///
/// Images are tensors of shape (1, C, H, W) in [0, 1]: reading divides each
/// sample by maxval; C = 3 for PPM and 1 for PGM.
///
/// Refvis reads one image per file. The format allows several images one after
/// another; anything but whitespace after the first raster is reported as an
/// error rather than ignored. Plain (ASCII) `P2`/`P3` and bitmaps are not read.
public enum NetPBM {
    /// Reads a binary PPM or PGM file as a (1, C, H, W) tensor in [0, 1].
    public static func read(path: String) throws -> Tensor {
        try read(data: try FileBytes.read(path), name: path)
    }

    /// Reads PPM/PGM bytes; `name` is used in error messages.
    public static func read(data: Data, name: String) throws -> Tensor {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var scanner = HeaderScanner(bytes: bytes, name: name)
            return try scanner.readImage()
        }
    }

    /// Writes a (1, C, H, W) or (C, H, W) tensor with C = 1 (PGM) or 3 (PPM) atomically.
    ///
    /// Values are clamped to [0, 1] and scaled to the nearest sample,
    /// `sample = (clamp(v, 0, 1) · maxval).rounded()` (halves away from zero;
    /// ±infinity clamp to 1 and 0). NaN cannot be stored and is an error naming
    /// the file and the pixel. maxval must be in 1...65535; above 255 samples
    /// take two bytes, big-endian.
    public static func write(_ image: Tensor, to path: String, maxval: Int = 255) throws {
        try AtomicFile.write(try encode(image, maxval: maxval, name: path), to: path)
    }

    /// The PPM/PGM bytes of `image` (see `write`); `name` is used in error messages.
    public static func encode(_ image: Tensor, maxval: Int = 255, name: String) throws -> Data {
        guard (1...65535).contains(maxval) else {
            throw RefvisError.usage("\(name): maxval must be in 1...65535, got \(maxval)")
        }
        let (channels, height, width): (Int, Int, Int)
        switch image.shape.count {
        case 4 where image.shape[0] == 1: (channels, height, width) = (image.shape[1], image.shape[2], image.shape[3])
        case 3: (channels, height, width) = (image.shape[0], image.shape[1], image.shape[2])
        default:
            throw RefvisError("\(name): an image must have shape (1, C, H, W) or (C, H, W), got \(formatShape(image.shape))")
        }
        guard channels == 1 || channels == 3 else {
            throw RefvisError("\(name): an image needs 1 (gray, PGM) or 3 (RGB, PPM) channels, "
                + "got \(channels) in shape \(formatShape(image.shape))")
        }
        guard height >= 1, width >= 1 else {
            throw RefvisError("\(name): cannot write an empty image of shape \(formatShape(image.shape))")
        }

        let header = "\(channels == 3 ? "P6" : "P5")\n\(width) \(height)\n\(maxval)\n"
        let plane = height * width
        let wide = maxval > 255
        var bytes = Array(header.utf8)
        bytes.reserveCapacity(bytes.count + plane * channels * (wide ? 2 : 1))
        let scale = Double(maxval)
        for pixel in 0..<plane {
            for channel in 0..<channels {
                let value = image.scalars[channel * plane + pixel]
                guard !value.isNaN else {
                    throw RefvisError("\(name): cannot store NaN (channel \(channel), row \(pixel / width), "
                        + "column \(pixel % width)) in an image")
                }
                let sample = Int((min(max(value, 0), 1) * scale).rounded())
                if wide { bytes.append(UInt8(sample >> 8)) }
                bytes.append(UInt8(sample & 0xFF))
            }
        }
        return Data(bytes)
    }
}

/// Walks a Netpbm header byte by byte, then decodes the raster.
private struct HeaderScanner {
    let bytes: UnsafeRawBufferPointer
    let name: String
    var position = 0

    init(bytes: UnsafeRawBufferPointer, name: String) {
        self.bytes = bytes
        self.name = name
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0B || byte == 0x0C || byte == 0x0D
    }

    static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    mutating func readImage() throws -> Tensor {
        let channels = try readMagic()
        let width = try readNumber("width")
        let height = try readNumber("height")
        let maxval = try readNumber("maxval")
        guard width >= 1, height >= 1 else {
            throw RefvisError("\(name): image size \(width)x\(height) is empty")
        }
        guard (1...65535).contains(maxval) else {
            throw RefvisError("\(name): maxval \(maxval) is outside 1...65535")
        }
        try skipRasterDelimiter()

        let shape = [1, channels, height, width]
        let count = try Tensor.checkedElementCount(shape, context: name)  // before allocating
        let sampleSize = maxval > 255 ? 2 : 1
        let needed = count * sampleSize
        let available = bytes.count - position
        let kind = channels == 3 ? "P6" : "P5"
        guard available >= needed else {
            throw RefvisError("\(name): truncated image: header says \(width)x\(height) \(kind) maxval \(maxval) = "
                + "\(needed) bytes of raster, file has \(available)")
        }
        let trailing = UnsafeRawBufferPointer(rebasing: bytes[(position + needed)...])
        guard trailing.allSatisfy(HeaderScanner.isWhitespace) else {
            throw RefvisError("\(name): \(trailing.count) extra bytes after the \(width)x\(height) raster "
                + "(refvis reads one image per file)")
        }

        let plane = height * width
        let scale = Double(maxval)
        var scalars = [Double](repeating: 0, count: count)
        var offset = position
        for pixel in 0..<plane {
            for channel in 0..<channels {
                var sample = Int(bytes[offset])
                if sampleSize == 2 { sample = sample << 8 | Int(bytes[offset + 1]) }
                offset += sampleSize
                guard sample <= maxval else {
                    throw RefvisError("\(name): sample \(sample) at row \(pixel / width), column \(pixel % width) "
                        + "exceeds maxval \(maxval)")
                }
                // A true division (not a multiplication by 1/maxval) so that the
                // value is the correctly rounded sample/maxval, and maxval gives 1.
                scalars[channel * plane + pixel] = Double(sample) / scale
            }
        }
        return Tensor(shape: shape, scalars: scalars)
    }

    /// "P6" → 3 channels, "P5" → 1.
    mutating func readMagic() throws -> Int {
        guard bytes.count >= 2, bytes[0] == 0x50 else {  // "P"
            throw RefvisError("\(name): not a binary PPM/PGM file (bad magic: expected P6 or P5)")
        }
        position = 2
        switch bytes[1] {
        case 0x36: return 3  // P6
        case 0x35: return 1  // P5
        case 0x31...0x34:
            throw RefvisError("\(name): P\(Character(UnicodeScalar(bytes[1]))) (plain text or bitmap Netpbm) is not supported; "
                + "refvis reads binary P6 (PPM) and P5 (PGM)")
        default:
            throw RefvisError("\(name): not a binary PPM/PGM file (bad magic: expected P6 or P5)")
        }
    }

    /// Skips whitespace and comments; at least one is required before a number.
    mutating func skipSeparator(before field: String) throws {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if HeaderScanner.isWhitespace(byte) {
                position += 1
            } else if byte == 0x23 {  // "#"
                skipComment()
            } else {
                break
            }
        }
        guard position < bytes.count else {
            throw RefvisError("\(name): truncated header: the file ends before the \(field)")
        }
        guard position > start else {
            throw RefvisError("\(name): malformed header: expected whitespace before the \(field)")
        }
    }

    /// Moves past a comment, leaving `position` on its terminating CR/LF (or the end).
    mutating func skipComment() {
        while position < bytes.count, bytes[position] != 0x0A, bytes[position] != 0x0D { position += 1 }
    }

    /// A decimal number; values above 2^31 are reported rather than overflowing.
    mutating func readNumber(_ field: String) throws -> Int {
        try skipSeparator(before: field)
        guard HeaderScanner.isDigit(bytes[position]) else {
            throw RefvisError("\(name): malformed header: the \(field) is not a number (found \(describe(bytes[position])))")
        }
        var value = 0
        while position < bytes.count, HeaderScanner.isDigit(bytes[position]) {
            value = value * 10 + Int(bytes[position] - 0x30)
            position += 1
            guard value <= Tensor.maxElementCount else {
                throw RefvisError("\(name): the \(field) is absurdly large (more than 2^31)")
            }
        }
        if position < bytes.count, !HeaderScanner.isWhitespace(bytes[position]), bytes[position] != 0x23 {
            throw RefvisError("\(name): malformed header: the \(field) is not a number (found \(describe(bytes[position])) in it)")
        }
        return value
    }

    /// Exactly one whitespace byte (or a comment and its line end) separates
    /// maxval from the raster, which may itself start with whitespace bytes.
    mutating func skipRasterDelimiter() throws {
        guard position < bytes.count else {
            throw RefvisError("\(name): truncated header: the file ends after the maxval")
        }
        if bytes[position] == 0x23 {
            skipComment()
            guard position < bytes.count else {
                throw RefvisError("\(name): truncated header: the file ends inside a comment after the maxval")
            }
        }
        position += 1  // the single whitespace byte (readNumber checked it is one)
    }

    func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(UnicodeScalar(byte)))'" : "byte 0x" + String(byte, radix: 16)
    }
}
