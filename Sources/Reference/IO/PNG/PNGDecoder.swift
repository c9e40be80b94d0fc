import Foundation
import ReferenceCore

/// PNG reading (ISO/IEC 15948, the W3C PNG specification), in pure Swift with
/// refvis's own inflater, so that images from any tool can be fed to a model
/// without a Python or system image library.
///
/// What is read: every colour type (grey 0, RGB 2, palette 3, grey + alpha 4,
/// RGBA 6) at every bit depth the standard allows for it (1, 2, 4, 8, 16 for
/// grey; 1, 2, 4, 8 for palette; 8, 16 for the rest), Adam7 interlacing, all
/// five scanline filters, image data split over any number of IDAT chunks.
///
/// What comes out: a Float64 tensor of shape (1, C, H, W) with values in
/// [0, 1], each n-bit sample divided by 2^n − 1 (16-bit samples by 65535).
/// A palette expands to RGB (C = 3) with entries divided by 255, or to RGBA
/// (C = 4) when a tRNS chunk gives palette alphas (entries it leaves out are
/// opaque). A tRNS chunk on a grey or RGB image names one colour as fully
/// transparent; refvis then adds an alpha channel (grey → C = 2, RGB → C = 4)
/// that is 0 where the stored sample(s) equal that colour exactly and 1
/// elsewhere. Without tRNS: grey C = 1, RGB C = 3, grey + alpha C = 2, RGBA C = 4.
///
/// What is ignored: gamma (gAMA), chromaticities (cHRM), sRGB, ICC profiles
/// (iCCP), significant bits (sBIT), background, text, time and every other
/// ancillary chunk; samples are returned as stored, with no colour management.
/// Bytes after IEND are ignored. Everything else is checked: the signature,
/// the CRC of every chunk (ancillary ones too), IHDR first and valid, PLTE
/// present for palette images and absent for grey ones, IDAT chunks
/// consecutive, IEND present, unknown critical chunks refused, the zlib
/// stream (header, Adler-32, exact size), filter types and palette indices.
/// Each fault is a one-line `RefvisError` naming the file. Size caps, checked
/// from IHDR before anything is allocated: at most 2^16 pixels a side and
/// 2^28 samples (width × height × channels, see `PNGHeader`).
extension PNG {
    /// The PNG signature: \x89 P N G \r \n \x1A \n.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Reads the PNG at `path` as a (1, C, H, W) tensor in [0, 1].
    public static func read(path: String) throws -> Tensor {
        try decode(data: FileBytes.read(path), name: path)
    }

    /// Decodes PNG bytes as a (1, C, H, W) tensor in [0, 1]; `name` starts
    /// every error message.
    public static func decode(data: Data, name: String) throws -> Tensor {
        let file = try PNGFile(bytes: [UInt8](data), name: name)
        let raw = try Inflate.zlib(file.imageData, expectedSize: file.header.dataSize, name: name)
        let samples = try PNGPixels.samples(raw, header: file.header, name: name)
        return try PNGPixels.tensor(samples, file: file, name: name)
    }
}

/// The chunks of a PNG that matter for its pixels, read and checked.
struct PNGFile {
    let header: PNGHeader
    /// PLTE entries as (r, g, b); empty when there is no PLTE.
    let palette: [(UInt8, UInt8, UInt8)]
    /// The tRNS chunk's bytes, nil when there is none.
    let transparency: [UInt8]?
    /// All IDAT data, concatenated in order.
    let imageData: [UInt8]

    init(bytes: [UInt8], name: String) throws {
        guard bytes.count >= 8, Array(bytes[0..<8]) == PNG.signature else {
            throw RefvisError("\(name): not a PNG file (the first 8 bytes are not the PNG signature)")
        }
        var header: PNGHeader?
        var palette: [(UInt8, UInt8, UInt8)]?
        var transparency: [UInt8]?
        var imageData = [UInt8]()
        var idatState = 0  // 0 none yet, 1 in the IDAT run, 2 after it
        var offset = 8
        var sawEnd = false
        while !sawEnd {
            guard bytes.count - offset >= 12 else {
                throw RefvisError(bytes.count == offset ? "\(name): file ends without an IEND chunk"
                                                        : "\(name): file is truncated in a chunk header at byte \(offset)")
            }
            let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            let typeBytes = Array(bytes[(offset + 4)..<(offset + 8)])
            guard typeBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                throw RefvisError("\(name): chunk at byte \(offset) has a type that is not four letters")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard length < 1 << 31 else { throw RefvisError("\(name): chunk \(type) at byte \(offset) declares length \(length), beyond 2^31 − 1") }
            guard length <= bytes.count - offset - 12 else {
                throw RefvisError("\(name): chunk \(type) at byte \(offset) declares \(length) data bytes; the file is truncated")
            }
            let dataStart = offset + 8, dataEnd = offset + 8 + length
            let stored = bytes[dataEnd..<(dataEnd + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            var crc = CRC32()
            crc.update(bytes[(offset + 4)..<dataEnd])
            guard crc.checksum == stored else { throw RefvisError("\(name): CRC mismatch in chunk \(type) at byte \(offset)") }
            let data = bytes[dataStart..<dataEnd]

            if header == nil && type != "IHDR" { throw RefvisError("\(name): first chunk is \(type), expected IHDR") }
            if idatState == 1 && type != "IDAT" { idatState = 2 }
            switch type {
            case "IHDR":
                guard header == nil else { throw RefvisError("\(name): second IHDR chunk at byte \(offset)") }
                header = try PNGHeader(Array(data), name: name)
            case "PLTE":
                guard palette == nil else { throw RefvisError("\(name): second PLTE chunk") }
                guard idatState == 0 else { throw RefvisError("\(name): PLTE after image data") }
                guard transparency == nil else { throw RefvisError("\(name): PLTE after tRNS") }
                palette = try PNGFile.palette(Array(data), header: header!, name: name)
            case "tRNS":
                guard transparency == nil else { throw RefvisError("\(name): second tRNS chunk") }
                guard idatState == 0 else { throw RefvisError("\(name): tRNS after image data") }
                try PNGFile.checkTransparency(Array(data), header: header!, paletteCount: palette?.count, name: name)
                transparency = Array(data)
            case "IDAT":
                guard idatState != 2 else { throw RefvisError("\(name): IDAT chunks are not consecutive") }
                if header!.colorType == 3 && palette == nil { throw RefvisError("\(name): palette image has no PLTE before its data") }
                idatState = 1
                imageData += data
            case "IEND":
                guard length == 0 else { throw RefvisError("\(name): IEND chunk has \(length) data bytes, expected 0") }
                sawEnd = true
            default:
                // Bit 5 of the first byte clear (an upper-case letter) marks a critical chunk (§5.4).
                guard typeBytes[0] & 0x20 != 0 else { throw RefvisError("\(name): unknown critical chunk \(type)") }
            }
            offset = dataEnd + 4
        }
        guard idatState != 0 else { throw RefvisError("\(name): no IDAT chunk (the file has no image data)") }
        self.header = header!
        self.palette = palette ?? []
        self.transparency = transparency
        self.imageData = imageData
    }

    /// PLTE: 1 to 256 entries of three bytes, no more than the bit depth can
    /// index; forbidden for grey images, allowed and ignored for RGB(A).
    private static func palette(_ data: [UInt8], header: PNGHeader, name: String) throws -> [(UInt8, UInt8, UInt8)] {
        guard header.colorType != 0 && header.colorType != 4 else {
            throw RefvisError("\(name): PLTE chunk in a greyscale image (colour type \(header.colorType))")
        }
        guard data.count % 3 == 0, (3...768).contains(data.count) else {
            throw RefvisError("\(name): PLTE has \(data.count) bytes, expected a multiple of 3 from 3 to 768")
        }
        let count = data.count / 3
        if header.colorType == 3 && count > 1 << header.bitDepth {
            throw RefvisError("\(name): PLTE has \(count) entries, more than bit depth \(header.bitDepth) can index")
        }
        return (0..<count).map { (data[3 * $0], data[3 * $0 + 1], data[3 * $0 + 2]) }
    }

    /// tRNS: one alpha per palette entry (at most as many as PLTE has, after
    /// it), one 2-byte grey value, or three 2-byte RGB values; forbidden when
    /// the image already has an alpha channel.
    private static func checkTransparency(_ data: [UInt8], header: PNGHeader, paletteCount: Int?, name: String) throws {
        switch header.colorType {
        case 0:
            guard data.count == 2 else { throw RefvisError("\(name): tRNS for a grey image has \(data.count) bytes, expected 2") }
        case 2:
            guard data.count == 6 else { throw RefvisError("\(name): tRNS for an RGB image has \(data.count) bytes, expected 6") }
        case 3:
            guard let paletteCount else { throw RefvisError("\(name): tRNS before PLTE") }
            guard data.count <= paletteCount else {
                throw RefvisError("\(name): tRNS has \(data.count) alphas for a palette of \(paletteCount) entries")
            }
        default:
            throw RefvisError("\(name): tRNS chunk in an image with an alpha channel (colour type \(header.colorType))")
        }
    }
}
