import ReferenceCore

/// A scan header (SOS, T.81 B.2.3) resolved against the frame and tables.
struct JPEGScan {
    /// Indices into the frame's components, in scan order.
    var components: [Int]
    var dcTables: [JPEGHuffmanTable?]
    var acTables: [JPEGHuffmanTable?]
    var spectralStart: Int
    var spectralEnd: Int
    var approximationHigh: Int
    var approximationLow: Int
}

/// Walks the MCUs of one scan, handling restart intervals, and hands each block
/// to the decoder the scan's kind calls for: sequential (baseline/extended) or
/// one of the four progressive passes.
struct JPEGScanDecoder {
    var reader: JPEGBitReader
    let scan: JPEGScan
    let restartInterval: Int
    /// DC predictors per scan component, reset at each restart (T.81 F.2.1.3.1).
    var predictions: [Int]
    /// The end-of-band run left over from earlier blocks (progressive AC, G.1.2.2).
    var eobRun = 0
    /// A progressive frame's scans each carry one pass; a sequential one's carry everything.
    let progressive: Bool

    init(bytes: [UInt8], position: Int, scan: JPEGScan, progressive: Bool, restartInterval: Int, name: String) {
        reader = JPEGBitReader(bytes: bytes, position: position, name: name)
        self.scan = scan
        self.progressive = progressive
        self.restartInterval = restartInterval
        predictions = [Int](repeating: 0, count: scan.components.count)
    }

    /// How many blocks the scan visits: the component's own blocks for a
    /// one-component scan, whole MCUs for an interleaved one (T.81 A.2).
    static func blockCount(_ scan: JPEGScan, in frame: JPEGFrame) -> Int {
        if scan.components.count == 1 {
            let c = frame.components[scan.components[0]]
            return ((c.width + 7) / 8) * ((c.height + 7) / 8)
        }
        let perMCU = scan.components.reduce(0) { $0 + frame.components[$1].h * frame.components[$1].v }
        return frame.mcusPerLine * frame.mcusPerColumn * perMCU
    }

    /// Decodes the whole scan into `frame` and returns where its data ended.
    mutating func decode(into frame: inout JPEGFrame) throws -> Int {
        let single = scan.components.count == 1
        let mcuCount: Int
        let singleBlocksPerLine: Int
        if single {
            let c = frame.components[scan.components[0]]
            singleBlocksPerLine = (c.width + 7) / 8
            mcuCount = singleBlocksPerLine * ((c.height + 7) / 8)
        } else {
            singleBlocksPerLine = 0
            mcuCount = frame.mcusPerLine * frame.mcusPerColumn
        }
        for mcu in 0..<mcuCount {
            if restartInterval > 0, mcu > 0, mcu % restartInterval == 0 {
                reader.restart()
                for i in predictions.indices { predictions[i] = 0 }
                eobRun = 0
            }
            if single {
                let row = mcu / singleBlocksPerLine, column = mcu % singleBlocksPerLine
                try decodeBlock(in: &frame.components[scan.components[0]], scanIndex: 0, row: row, column: column)
            } else {
                let mcuRow = mcu / frame.mcusPerLine, mcuColumn = mcu % frame.mcusPerLine
                for (scanIndex, componentIndex) in scan.components.enumerated() {
                    let (h, v) = (frame.components[componentIndex].h, frame.components[componentIndex].v)
                    for y in 0..<v {
                        for x in 0..<h {
                            try decodeBlock(in: &frame.components[componentIndex], scanIndex: scanIndex,
                                            row: mcuRow * v + y, column: mcuColumn * h + x)
                        }
                    }
                }
            }
            try reader.checkNotTruncated()
        }
        return reader.position
    }

    private mutating func decodeBlock(in component: inout JPEGComponent, scanIndex: Int, row: Int, column: Int) throws {
        let offset = (row * component.blocksPerLine + column) * 64
        try component.coefficients.withUnsafeMutableBufferPointer { all in
            let block = UnsafeMutableBufferPointer(rebasing: all[offset..<(offset + 64)])
            if !progressive {
                try decodeSequential(block, scanIndex: scanIndex)
            } else if scan.spectralStart == 0 {
                if scan.approximationHigh == 0 { try decodeDCFirst(block, scanIndex: scanIndex) }
                else { decodeDCRefine(block) }
            } else if scan.approximationHigh == 0 {
                try decodeACFirst(block)
            } else {
                try decodeACRefine(block)
            }
        }
    }

    /// Baseline and extended sequential: DC difference then run-length AC (F.2.2).
    private mutating func decodeSequential(_ block: UnsafeMutableBufferPointer<Int16>, scanIndex: Int) throws {
        let dcTable = scan.dcTables[scanIndex]!, acTable = scan.acTables[scanIndex]!
        let t = try dcTable.decode(&reader)
        predictions[scanIndex] += reader.receiveExtend(t)
        block[0] = Int16(truncatingIfNeeded: predictions[scanIndex])
        var k = 1
        while k < 64 {
            let rs = try acTable.decode(&reader)
            let r = rs >> 4, s = rs & 15
            if s == 0 {
                if r != 15 { break }
                k += 16
                continue
            }
            k += r
            guard k < 64 else { throw RefvisError("\(reader.name): corrupt data: an AC run passes the end of a block") }
            block[jpegZigZag[k]] = Int16(truncatingIfNeeded: reader.receiveExtend(s))
            k += 1
        }
    }
}
