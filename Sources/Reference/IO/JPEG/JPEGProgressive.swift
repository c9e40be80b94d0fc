import ReferenceCore

/// The four progressive passes of T.81 annex G, following the structure of
/// libjpeg's jdphuff.c so corrupt data fails (or wraps) where it does there.
/// Coefficients are Int16 and updated with wrapping arithmetic: a corrupt file
/// may push them out of range, and that must not trap.
extension JPEGScanDecoder {
    /// DC first pass: the DC difference, scaled by 2^Al (G.1.2.1).
    mutating func decodeDCFirst(_ block: UnsafeMutableBufferPointer<Int16>, scanIndex: Int) throws {
        let t = try scan.dcTables[scanIndex]!.decode(&reader)
        predictions[scanIndex] += reader.receiveExtend(t)
        block[0] = Int16(truncatingIfNeeded: predictions[scanIndex] << scan.approximationLow)
    }

    /// DC refinement: one more bit of the DC coefficient.
    mutating func decodeDCRefine(_ block: UnsafeMutableBufferPointer<Int16>) {
        if reader.bit() == 1 { block[0] |= Int16(truncatingIfNeeded: 1 << scan.approximationLow) }
    }

    /// AC first pass over the band Ss…Se, with end-of-band runs spanning blocks.
    mutating func decodeACFirst(_ block: UnsafeMutableBufferPointer<Int16>) throws {
        if eobRun > 0 { eobRun -= 1; return }
        let table = scan.acTables[0]!
        var k = scan.spectralStart
        while k <= scan.spectralEnd {
            let rs = try table.decode(&reader)
            let r = rs >> 4, s = rs & 15
            if s != 0 {
                k += r
                guard k < 64 else { throw RefvisError("\(reader.name): corrupt data: an AC run passes the end of a block") }
                block[jpegZigZag[k]] = Int16(truncatingIfNeeded: reader.receiveExtend(s) << scan.approximationLow)
            } else if r == 15 {
                k += 15
            } else {
                eobRun = (1 << r) + reader.bits(r) - 1
                break
            }
            k += 1
        }
    }

    /// AC refinement (G.1.2.3): a correction bit for every coefficient already
    /// non-zero, and new coefficients of magnitude 2^Al placed by zero runs.
    mutating func decodeACRefine(_ block: UnsafeMutableBufferPointer<Int16>) throws {
        let positive = Int16(truncatingIfNeeded: 1 << scan.approximationLow)
        let negative = Int16(truncatingIfNeeded: -1 << scan.approximationLow)
        let end = scan.spectralEnd
        var k = scan.spectralStart
        if eobRun == 0 {
            let table = scan.acTables[0]!
            while k <= end {
                let rs = try table.decode(&reader)
                var r = rs >> 4
                let s = rs & 15
                var value: Int16 = 0
                if s != 0 {
                    // s should be 1 here; libjpeg only warns otherwise, and so do we (silently).
                    value = reader.bit() == 1 ? positive : negative
                } else if r != 15 {
                    eobRun = (1 << r) + reader.bits(r)
                    break
                }
                while k <= end {
                    let z = jpegZigZag[k]
                    if block[z] != 0 {
                        refine(&block[z], positive: positive, negative: negative)
                    } else {
                        if r == 0 { break }
                        r -= 1
                    }
                    k += 1
                }
                if value != 0 {
                    guard k < 64 else { throw RefvisError("\(reader.name): corrupt data: an AC run passes the end of a block") }
                    block[jpegZigZag[k]] = value
                }
                k += 1
            }
        }
        if eobRun > 0 {
            while k <= end {
                let z = jpegZigZag[k]
                if block[z] != 0 { refine(&block[z], positive: positive, negative: negative) }
                k += 1
            }
            eobRun -= 1
        }
    }

    /// Adds the next bit of magnitude to a coefficient already known non-zero.
    private mutating func refine(_ coefficient: inout Int16, positive: Int16, negative: Int16) {
        if reader.bit() == 1, coefficient & positive == 0 {
            coefficient = coefficient &+ (coefficient >= 0 ? positive : negative)
        }
    }
}
