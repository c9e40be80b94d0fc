import ReferenceCore

/// One image component of a frame (T.81 B.2.2) and its decoded coefficients.
struct JPEGComponent {
    let id: Int
    /// Sampling factors, 1…4.
    let h: Int
    let v: Int
    let quantTableIndex: Int
    /// The component's own size in samples: ceil(width · h / hMax) × ceil(height · v / vMax).
    let width: Int
    let height: Int
    /// Blocks per line and column, padded to whole MCUs so interleaved scans fit.
    let blocksPerLine: Int
    let blocksPerColumn: Int
    /// Quantized DCT coefficients, 64 per block in natural (row-major) order.
    /// Int16 like libjpeg's JCOEF, so corrupt data wraps as it does there.
    var coefficients: [Int16]
    /// The quantization table in natural order, latched at the component's
    /// first scan as libjpeg does (jdinput.c latch_quant_tables).
    var quantTable: [Int]?
}

/// The frame header (SOFn) with the geometry every later stage needs.
struct JPEGFrame {
    let progressive: Bool
    let width: Int
    let height: Int
    var components: [JPEGComponent]
    let hMax: Int
    let vMax: Int
    let mcusPerLine: Int
    let mcusPerColumn: Int

    /// The most samples (width · height · components) refvis will decode: 2^28,
    /// 2 GiB as Float64. Checked before any allocation.
    static let maxSamples = 1 << 28

    /// Parses an SOF0/1/2 payload. `fileSize` bounds the block count: every
    /// block costs at least one bit of DC code in the first scan that covers it,
    /// so a frame with more than 8 blocks per byte of file cannot be valid, and
    /// refusing it keeps a corrupt 1 KB file from allocating gigabytes.
    init(payload: [UInt8], progressive: Bool, fileSize: Int, name: String) throws {
        guard payload.count >= 6 else { throw RefvisError("\(name): bad SOF segment: \(payload.count) bytes") }
        let precision = Int(payload[0])
        guard precision == 8 else {
            throw RefvisError("\(name): \(precision)-bit samples are not supported (only 8-bit)")
        }
        let height = Int(payload[1]) << 8 | Int(payload[2])
        let width = Int(payload[3]) << 8 | Int(payload[4])
        let count = Int(payload[5])
        guard width > 0, height > 0 else {
            let dnl = height == 0 ? " (a height left to a later DNL marker is not supported)" : ""
            throw RefvisError("\(name): bad image size \(width)×\(height)\(dnl)")
        }
        guard count == 1 || count == 3 || count == 4 else {
            throw RefvisError("\(name): \(count) components; refvis decodes 1 (grey), 3 (colour) or 4 (CMYK)")
        }
        guard payload.count == 6 + 3 * count else {
            throw RefvisError("\(name): bad SOF segment: \(payload.count) bytes for \(count) components")
        }
        guard width * height * count <= Self.maxSamples else {
            throw RefvisError("\(name): image \(width)×\(height)×\(count) exceeds the cap of 2^28 samples")
        }
        var raw: [(id: Int, h: Int, v: Int, tq: Int)] = []
        for i in 0..<count {
            let id = Int(payload[6 + 3 * i])
            let h = Int(payload[7 + 3 * i] >> 4), v = Int(payload[7 + 3 * i] & 15)
            let tq = Int(payload[8 + 3 * i])
            guard (1...4).contains(h), (1...4).contains(v) else {
                throw RefvisError("\(name): component \(id) has bad sampling factors \(h)×\(v)")
            }
            guard tq <= 3 else { throw RefvisError("\(name): component \(id) names quantization table \(tq) (0…3 allowed)") }
            guard !raw.contains(where: { $0.id == id }) else { throw RefvisError("\(name): component id \(id) appears twice") }
            raw.append((id, h, v, tq))
        }
        let hMax = raw.map(\.h).max()!, vMax = raw.map(\.v).max()!
        let mcusPerLine = (width + 8 * hMax - 1) / (8 * hMax)
        let mcusPerColumn = (height + 8 * vMax - 1) / (8 * vMax)
        var blocks = 0
        for c in raw { blocks += mcusPerLine * c.h * mcusPerColumn * c.v }
        guard blocks <= 8 * fileSize + 64 else {
            throw RefvisError("\(name): image \(width)×\(height) needs \(blocks) blocks, more than a \(fileSize)-byte file can hold")
        }
        self.progressive = progressive
        self.width = width
        self.height = height
        self.hMax = hMax
        self.vMax = vMax
        self.mcusPerLine = mcusPerLine
        self.mcusPerColumn = mcusPerColumn
        components = raw.map { c in
            let bpl = mcusPerLine * c.h, bpc = mcusPerColumn * c.v
            return JPEGComponent(id: c.id, h: c.h, v: c.v, quantTableIndex: c.tq,
                                 width: (width * c.h + hMax - 1) / hMax, height: (height * c.v + vMax - 1) / vMax,
                                 blocksPerLine: bpl, blocksPerColumn: bpc,
                                 coefficients: [Int16](repeating: 0, count: bpl * bpc * 64), quantTable: nil)
        }
    }
}

/// The zig-zag sequence (T.81 figure A.6): entry k is the natural-order index of
/// the k-th coefficient in the data.
let jpegZigZag: [Int] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
    12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
    35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
    58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]
