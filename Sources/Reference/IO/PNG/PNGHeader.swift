import ReferenceCore

/// A PNG's IHDR chunk (ISO/IEC 15948 §11.2.2), checked, and the layout of the
/// image data it implies: bytes per scanline, Adam7 passes, the exact size of
/// the inflated data.
///
/// The decoder refuses images it will not allocate for. The caps are: each
/// side at most 2^16 pixels, and width × height × (decoded channels, counting
/// the alpha a tRNS chunk would add) at most 2^28 samples (2 GiB as Float64).
/// They are checked here, before any pixel memory exists. The inflated data
/// is then bounded by `dataSize` and grows only as it is really decompressed,
/// so a small file claiming a large image allocates only what it holds.
struct PNGHeader: Equatable {
    static let maxSide = 1 << 16
    static let maxSamples = 1 << 28

    let width: Int
    let height: Int
    let bitDepth: Int
    /// 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA.
    let colorType: Int
    let interlaced: Bool

    /// Parses and checks the 13 bytes of IHDR; `name` starts every error.
    init(_ bytes: [UInt8], name: String) throws {
        guard bytes.count == 13 else { throw RefvisError("\(name): IHDR is \(bytes.count) bytes, expected 13") }
        func u32(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        width = u32(0)
        height = u32(4)
        bitDepth = Int(bytes[8])
        colorType = Int(bytes[9])
        guard width >= 1, height >= 1 else { throw RefvisError("\(name): image is \(width)×\(height); both sides must be at least 1") }
        guard width <= PNGHeader.maxSide, height <= PNGHeader.maxSide else {
            throw RefvisError("\(name): image is \(width)×\(height); refvis reads at most \(PNGHeader.maxSide) pixels a side")
        }
        let allowed: [Int]
        switch colorType {
        case 0: allowed = [1, 2, 4, 8, 16]
        case 3: allowed = [1, 2, 4, 8]
        case 2, 4, 6: allowed = [8, 16]
        default: throw RefvisError("\(name): IHDR colour type \(colorType) is not one of 0, 2, 3, 4, 6")
        }
        guard allowed.contains(bitDepth) else {
            throw RefvisError("\(name): bit depth \(bitDepth) is not allowed for colour type \(colorType) (allowed: \(allowed.map(String.init).joined(separator: ", ")))")
        }
        guard bytes[10] == 0 else { throw RefvisError("\(name): IHDR compression method \(bytes[10]), expected 0") }
        guard bytes[11] == 0 else { throw RefvisError("\(name): IHDR filter method \(bytes[11]), expected 0") }
        guard bytes[12] <= 1 else { throw RefvisError("\(name): IHDR interlace method \(bytes[12]), expected 0 or 1") }
        interlaced = bytes[12] == 1
        // Counted with the alpha channel a tRNS chunk may add, since tRNS comes later.
        guard width * height * outputChannels(transparency: true) <= PNGHeader.maxSamples else {
            throw RefvisError("\(name): image is \(width)×\(height); refvis reads at most 2^28 samples")
        }
    }

    /// Samples stored per pixel: 1 grey or palette index, 2 grey + alpha, 3 RGB, 4 RGBA.
    var storedChannels: Int {
        switch colorType {
        case 2: return 3
        case 4: return 2
        case 6: return 4
        default: return 1
        }
    }

    /// Channels of the decoded tensor: a palette becomes RGB, and a tRNS chunk adds alpha.
    func outputChannels(transparency: Bool) -> Int {
        switch colorType {
        case 0: return transparency ? 2 : 1
        case 2, 3: return transparency ? 4 : 3
        default: return storedChannels
        }
    }

    var bitsPerPixel: Int { bitDepth * storedChannels }

    /// The filter's "corresponding byte to the left" distance: whole bytes per pixel, at least 1.
    var filterStride: Int { max(1, bitsPerPixel / 8) }

    /// Bytes in one scanline of `pixels` pixels, not counting its filter-type byte.
    func rowBytes(_ pixels: Int) -> Int { (pixels * bitsPerPixel + 7) / 8 }

    /// One reduced image of the interlace: where its pixels sit in the full image.
    struct Pass {
        let xStart: Int, yStart: Int, xStep: Int, yStep: Int
        let width: Int, height: Int
    }

    /// The passes stored in the data, in order: seven Adam7 passes (empty ones
    /// included; they contribute no bytes) or one pass that is the whole image.
    var passes: [Pass] {
        guard interlaced else { return [Pass(xStart: 0, yStart: 0, xStep: 1, yStep: 1, width: width, height: height)] }
        // Adam7 (§8.2): the 8×8 pattern 1 6 4 6 2 6 4 6 / 7 7 7 7 7 7 7 7 / 5 6 5 6 5 6 5 6 / ...
        let grid = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        return grid.map { x0, y0, dx, dy in
            Pass(xStart: x0, yStart: y0, xStep: dx, yStep: dy,
                 width: width > x0 ? (width - x0 + dx - 1) / dx : 0,
                 height: height > y0 ? (height - y0 + dy - 1) / dy : 0)
        }
    }

    /// The exact size of the inflated image data: every non-empty pass's
    /// scanlines, each a filter-type byte and its row bytes.
    var dataSize: Int {
        passes.reduce(0) { total, pass in
            pass.width == 0 || pass.height == 0 ? total : total + pass.height * (1 + rowBytes(pass.width))
        }
    }
}
