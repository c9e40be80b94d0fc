import ReferenceCore

/// From inflated PNG data to pixels: undoing the scanline filters (§9),
/// unpacking samples of 1 to 16 bits, placing Adam7 passes (§8.2), then
/// scaling to [0, 1] and applying the palette and tRNS.
enum PNGPixels {
    /// The stored samples of every pixel, row-major and interleaved
    /// (`header.storedChannels` per pixel), as integers of `header.bitDepth` bits.
    /// `raw` must be exactly `header.dataSize` bytes (the inflater ensures it).
    static func samples(_ raw: [UInt8], header: PNGHeader, name: String) throws -> [UInt16] {
        let channels = header.storedChannels
        var samples = [UInt16](repeating: 0, count: header.width * header.height * channels)
        var offset = 0
        for (passIndex, pass) in header.passes.enumerated() where pass.width > 0 && pass.height > 0 {
            let rowBytes = header.rowBytes(pass.width)
            var previous = [UInt8](repeating: 0, count: rowBytes)  // the row above the first is all zeros
            var row = [UInt8](repeating: 0, count: rowBytes)
            for passRow in 0..<pass.height {
                let filter = raw[offset]
                for i in 0..<rowBytes { row[i] = raw[offset + 1 + i] }
                offset += 1 + rowBytes
                guard filter <= 4 else {
                    let place = header.interlaced ? "row \(passRow) of interlace pass \(passIndex + 1)" : "row \(passRow)"
                    throw RefvisError("\(name): \(place) has filter type \(filter), expected 0 to 4")
                }
                unfilter(&row, previous: previous, type: filter, stride: header.filterStride)
                let y = pass.yStart + passRow * pass.yStep
                for passColumn in 0..<pass.width {
                    let x = pass.xStart + passColumn * pass.xStep
                    let base = (y * header.width + x) * channels
                    for c in 0..<channels {
                        samples[base + c] = sample(row, index: passColumn * channels + c, depth: header.bitDepth)
                    }
                }
                swap(&row, &previous)
            }
        }
        return samples
    }

    /// Reverses one scanline's filter in place. Each byte was stored as the
    /// difference from a prediction made from the already-decoded byte to
    /// the left (`a`, `stride` bytes back), above (`b`) and above-left (`c`);
    /// bytes before the row start count as 0. Arithmetic is modulo 256.
    static func unfilter(_ row: inout [UInt8], previous: [UInt8], type: UInt8, stride: Int) {
        switch type {
        case 1:  // Sub
            for i in stride..<max(stride, row.count) { row[i] &+= row[i - stride] }
        case 2:  // Up
            for i in 0..<row.count { row[i] &+= previous[i] }
        case 3:  // Average, floor((a + b) / 2) computed without overflow
            for i in 0..<row.count {
                let a = i >= stride ? Int(row[i - stride]) : 0
                row[i] &+= UInt8((a + Int(previous[i])) / 2)
            }
        case 4:  // Paeth
            for i in 0..<row.count {
                let a = i >= stride ? Int(row[i - stride]) : 0
                let c = i >= stride ? Int(previous[i - stride]) : 0
                row[i] &+= UInt8(paethPredictor(a, Int(previous[i]), c))
            }
        default:  // None
            break
        }
    }

    /// Of left, above and upper-left, the one nearest to left + above − upper-left;
    /// ties go to left, then above (§9.4).
    static func paethPredictor(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let estimate = a + b - c
        let da = abs(estimate - a), db = abs(estimate - b), dc = abs(estimate - c)
        if da <= db && da <= dc { return a }
        return db <= dc ? b : c
    }

    /// The `index`-th sample of a row: 16-bit samples are big-endian byte
    /// pairs, samples under 8 bits are packed from the most significant bit.
    private static func sample(_ row: [UInt8], index: Int, depth: Int) -> UInt16 {
        switch depth {
        case 16: return UInt16(row[2 * index]) << 8 | UInt16(row[2 * index + 1])
        case 8: return UInt16(row[index])
        default:
            let bit = index * depth
            let shift = 8 - depth - bit % 8
            return UInt16(row[bit / 8] >> UInt8(shift)) & UInt16((1 << depth) - 1)
        }
    }

    /// The (1, C, H, W) tensor: samples over 2^depth − 1, palette entries
    /// over 255, alpha from tRNS as `PNG.decode` describes.
    static func tensor(_ samples: [UInt16], file: PNGFile, name: String) throws -> Tensor {
        let header = file.header
        let plane = header.width * header.height
        let channels = header.outputChannels(transparency: file.transparency != nil)
        var scalars = [Double](repeating: 0, count: channels * plane)
        let maximum = Double((1 << header.bitDepth) - 1)
        let stored = header.storedChannels
        switch header.colorType {
        case 3:
            let palette = file.palette
            // Palette entries without a tRNS alpha are opaque.
            var alphas = [Double](repeating: 1, count: palette.count)
            for (i, alpha) in (file.transparency ?? []).enumerated() { alphas[i] = Double(alpha) / 255 }
            for p in 0..<plane {
                let index = Int(samples[p])
                guard index < palette.count else {
                    throw RefvisError("\(name): pixel (\(p / header.width), \(p % header.width)) uses palette index \(index); the palette has \(palette.count) entries")
                }
                let (r, g, b) = palette[index]
                scalars[p] = Double(r) / 255
                scalars[plane + p] = Double(g) / 255
                scalars[2 * plane + p] = Double(b) / 255
                if channels == 4 { scalars[3 * plane + p] = alphas[index] }
            }
        default:
            for p in 0..<plane {
                for c in 0..<stored { scalars[c * plane + p] = Double(samples[p * stored + c]) / maximum }
            }
            if let key = file.transparency, channels > stored {
                // The transparent colour: one 16-bit value per stored channel, of
                // which only the low `bitDepth` bits count (§11.3.2.1).
                let mask = UInt16(truncatingIfNeeded: (1 << header.bitDepth) - 1)
                let keys = (0..<stored).map { (UInt16(key[2 * $0]) << 8 | UInt16(key[2 * $0 + 1])) & mask }
                for p in 0..<plane {
                    let isKey = (0..<stored).allSatisfy { samples[p * stored + $0] == keys[$0] }
                    scalars[stored * plane + p] = isKey ? 0 : 1
                }
            }
        }
        return Tensor(shape: [1, channels, header.height, header.width], scalars: scalars)
    }
}
