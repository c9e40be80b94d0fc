import ReferenceCore

/// The tables and flags that marker segments set up before and between scans
/// (T.81 B.2.4): quantization and Huffman tables, the restart interval, and
/// the APPn facts that decide colour space and orientation.
struct JPEGTables {
    /// Quantization tables 0…3 in natural order.
    var quant = [[Int]?](repeating: nil, count: 4)
    var dc = [JPEGHuffmanTable?](repeating: nil, count: 4)
    var ac = [JPEGHuffmanTable?](repeating: nil, count: 4)
    var restartInterval = 0
    var sawJFIF = false
    /// The Adobe APP14 transform flag (0 none/CMYK/RGB, 1 YCbCr, 2 YCCK), if present.
    var adobeTransform: Int?
    var orientation: Int?

    /// DQT: one or more tables, 8-bit (Pq = 0) or 16-bit (Pq = 1) entries in zig-zag order.
    mutating func defineQuantization(_ p: ArraySlice<UInt8>, name: String) throws {
        var i = p.startIndex
        while i < p.endIndex {
            let precision = Int(p[i] >> 4), id = Int(p[i] & 15)
            guard id <= 3 else { throw RefvisError("\(name): bad quantization table id \(id) (0…3 allowed)") }
            guard precision <= 1 else { throw RefvisError("\(name): bad quantization table precision \(precision)") }
            let size = precision == 0 ? 64 : 128
            guard i + 1 + size <= p.endIndex else { throw RefvisError("\(name): DQT segment too short for table \(id)") }
            var table = [Int](repeating: 0, count: 64)
            for k in 0..<64 {
                table[jpegZigZag[k]] = precision == 0 ? Int(p[i + 1 + k]) : Int(p[i + 1 + 2 * k]) << 8 | Int(p[i + 2 + 2 * k])
            }
            quant[id] = table
            i += 1 + size
        }
    }

    /// DHT: one or more tables, each a class/id byte, 16 counts and the symbols.
    mutating func defineHuffman(_ p: ArraySlice<UInt8>, name: String) throws {
        var i = p.startIndex
        while i < p.endIndex {
            let tableClass = Int(p[i] >> 4), id = Int(p[i] & 15)
            guard tableClass <= 1, id <= 3 else {
                throw RefvisError("\(name): bad Huffman table: class \(tableClass) id \(id)")
            }
            guard i + 17 <= p.endIndex else { throw RefvisError("\(name): bad Huffman table: DHT segment too short") }
            let counts = p[(i + 1)..<(i + 17)].map(Int.init)
            let total = counts.reduce(0, +)
            guard i + 17 + total <= p.endIndex else {
                throw RefvisError("\(name): bad Huffman table: \(total) symbols do not fit in the DHT segment")
            }
            let values = Array(p[(i + 17)..<(i + 17 + total)])
            let table = try JPEGHuffmanTable(counts: counts, values: values, isDC: tableClass == 0, name: name)
            if tableClass == 0 { dc[id] = table } else { ac[id] = table }
            i += 17 + total
        }
    }

    mutating func defineRestartInterval(_ p: ArraySlice<UInt8>, name: String) throws {
        guard p.count == 2 else { throw RefvisError("\(name): bad DRI segment: \(p.count) bytes") }
        restartInterval = Int(p[p.startIndex]) << 8 | Int(p[p.startIndex + 1])
    }

    /// APP0 "JFIF", APP1 "Exif" and APP14 "Adobe"; other APPn are skipped.
    mutating func application(_ marker: UInt8, _ p: ArraySlice<UInt8>) {
        let head = Array(p.prefix(5))
        switch marker {
        case 0xE0 where head == Array("JFIF\0".utf8): sawJFIF = true
        case 0xE1 where orientation == nil: orientation = JPEGOrientation.parse(p)
        case 0xEE where head == Array("Adobe".utf8) && p.count >= 12: adobeTransform = Int(p[p.startIndex + 11])
        default: break
        }
    }

    /// SOS: resolves the scan's components and tables against the frame and
    /// checks its parameters, so decoding never meets a missing table.
    func scan(_ p: ArraySlice<UInt8>, frame: inout JPEGFrame, name: String) throws -> JPEGScan {
        let b = Array(p)
        guard let n = b.first.map(Int.init), (1...4).contains(n), b.count == 1 + 2 * n + 3 else {
            throw RefvisError("\(name): bad SOS segment (\(b.count) bytes)")
        }
        var scan = JPEGScan(components: [], dcTables: [], acTables: [],
                            spectralStart: Int(b[1 + 2 * n]), spectralEnd: Int(b[2 + 2 * n]),
                            approximationHigh: Int(b[3 + 2 * n] >> 4), approximationLow: Int(b[3 + 2 * n] & 15))
        if frame.progressive {
            let s = (scan.spectralStart, scan.spectralEnd)
            guard s.0 == 0 ? s.1 == 0 : (s.0 <= s.1 && s.1 <= 63 && n == 1), scan.approximationHigh <= 13,
                  scan.approximationLow <= 13 else {
                throw RefvisError("\(name): bad progressive scan parameters Ss=\(s.0) Se=\(s.1) Ah=\(scan.approximationHigh) Al=\(scan.approximationLow)")
            }
        } else {
            (scan.spectralStart, scan.spectralEnd, scan.approximationHigh, scan.approximationLow) = (0, 63, 0, 0)
        }
        let needDC = !frame.progressive || (scan.spectralStart == 0 && scan.approximationHigh == 0)
        let needAC = !frame.progressive || scan.spectralStart > 0
        var blocksPerMCU = 0
        for i in 0..<n {
            let id = Int(b[1 + 2 * i])
            guard let index = frame.components.firstIndex(where: { $0.id == id }) else {
                throw RefvisError("\(name): scan names component \(id), which the frame does not have")
            }
            guard !scan.components.contains(index) else { throw RefvisError("\(name): scan names component \(id) twice") }
            let td = Int(b[2 + 2 * i] >> 4), ta = Int(b[2 + 2 * i] & 15)
            guard td <= 3, ta <= 3 else { throw RefvisError("\(name): scan names Huffman table \(max(td, ta)) (0…3 allowed)") }
            if needDC, dc[td] == nil { throw RefvisError("\(name): scan uses DC Huffman table \(td), which is not defined") }
            if needAC, ac[ta] == nil { throw RefvisError("\(name): scan uses AC Huffman table \(ta), which is not defined") }
            let c = frame.components[index]
            if c.quantTable == nil {
                guard let q = quant[c.quantTableIndex] else {
                    throw RefvisError("\(name): component \(id) uses quantization table \(c.quantTableIndex), which is not defined")
                }
                frame.components[index].quantTable = q
            }
            blocksPerMCU += c.h * c.v
            scan.components.append(index)
            scan.dcTables.append(dc[td])
            scan.acTables.append(ac[ta])
        }
        guard n == 1 || blocksPerMCU <= 10 else {
            throw RefvisError("\(name): an interleaved scan with \(blocksPerMCU) blocks per MCU (at most 10 allowed)")
        }
        return scan
    }
}
