/// The "ISLOW" inverse DCT of libjpeg's jidctint.c (the default JDCT_ISLOW that
/// Pillow gets), reproduced in its integer arithmetic so refvis's samples match
/// libjpeg's bit for bit rather than an ideal real-valued IDCT's to within ±1.
///
/// It is the Loeffler–Ligtenberg–Moschytz factorisation with 13-bit fixed-point
/// constants (CONST_BITS = 13); the first (column) pass keeps PASS1_BITS = 2
/// extra bits, the second (row) pass removes them plus the factor 8 of the 2-D
/// DCT, and the result is level-shifted by 128 and range-limited.
enum JPEGIDCT {
    static let constBits = 13
    static let pass1Bits = 2

    // FIX(x) = round(x · 2^13), the values jidctint.c spells out.
    static let fix0_298631336 = 2446
    static let fix0_390180644 = 3196
    static let fix0_541196100 = 4433
    static let fix0_765366865 = 6270
    static let fix0_899976223 = 7373
    static let fix1_175875602 = 9633
    static let fix1_501321110 = 12299
    static let fix1_847759065 = 15137
    static let fix1_961570560 = 16069
    static let fix2_053119869 = 16819
    static let fix2_562915447 = 20995
    static let fix3_072711026 = 25172

    /// Rounding right shift, jidctint.c's DESCALE.
    @inline(__always) static func descale(_ x: Int, _ n: Int) -> Int { (x + (1 << (n - 1))) >> n }

    /// libjpeg's post-IDCT range limit: the value is taken modulo 1024 as a
    /// signed 10-bit number (RANGE_MASK), shifted by 128 and clamped to 0…255.
    /// The wrap only matters for corrupt data, but it is what libjpeg outputs.
    @inline(__always) static func rangeLimit(_ x: Int) -> UInt8 {
        let wrapped = ((x + 512) & 1023) - 512 + 128
        return UInt8(min(max(wrapped, 0), 255))
    }

    /// One 8×8 block: `coefficients` in natural order, `quant` the table in
    /// natural order; writes 8 rows of 8 samples to `output` at `offset` with
    /// row pitch `stride`.
    static func transform(_ coefficients: UnsafeBufferPointer<Int16>, quant: [Int],
                          into output: inout [UInt8], offset: Int, stride: Int) {
        var workspace = [Int](repeating: 0, count: 64)
        // Pass 1: columns, dequantizing on the way in.
        for column in 0..<8 {
            func input(_ row: Int) -> Int { Int(coefficients[row * 8 + column]) * quant[row * 8 + column] }
            if (1..<8).allSatisfy({ coefficients[$0 * 8 + column] == 0 }) {
                let dc = input(0) << pass1Bits
                for row in 0..<8 { workspace[row * 8 + column] = dc }
                continue
            }
            let out = butterfly(input(0), input(1), input(2), input(3), input(4), input(5), input(6), input(7))
            let shift = constBits - pass1Bits
            for row in 0..<8 { workspace[row * 8 + column] = descale(out[row], shift) }
        }
        // Pass 2: rows.
        let shift = constBits + pass1Bits + 3
        for row in 0..<8 {
            let w = row * 8
            if (1..<8).allSatisfy({ workspace[w + $0] == 0 }) {
                let value = rangeLimit(descale(workspace[w], pass1Bits + 3))
                for x in 0..<8 { output[offset + row * stride + x] = value }
                continue
            }
            let out = butterfly(workspace[w], workspace[w + 1], workspace[w + 2], workspace[w + 3],
                                workspace[w + 4], workspace[w + 5], workspace[w + 6], workspace[w + 7])
            for x in 0..<8 { output[offset + row * stride + x] = rangeLimit(descale(out[x], shift)) }
        }
    }

    /// The 1-D transform of both passes before descaling: inputs in natural
    /// order 0…7, outputs scaled by 2^13.
    @inline(__always)
    private static func butterfly(_ d0: Int, _ d1: Int, _ d2: Int, _ d3: Int,
                                  _ d4: Int, _ d5: Int, _ d6: Int, _ d7: Int) -> [Int] {
        // Even part.
        let z1 = (d2 + d6) * fix0_541196100
        let tmp2e = z1 + d6 * -fix1_847759065
        let tmp3e = z1 + d2 * fix0_765366865
        let tmp0e = (d0 + d4) << constBits
        let tmp1e = (d0 - d4) << constBits
        let tmp10 = tmp0e + tmp3e, tmp13 = tmp0e - tmp3e
        let tmp11 = tmp1e + tmp2e, tmp12 = tmp1e - tmp2e
        // Odd part.
        var tmp0 = d7, tmp1 = d5, tmp2 = d3, tmp3 = d1
        var y1 = tmp0 + tmp3, y2 = tmp1 + tmp2, y3 = tmp0 + tmp2, y4 = tmp1 + tmp3
        let z5 = (y3 + y4) * fix1_175875602
        tmp0 *= fix0_298631336
        tmp1 *= fix2_053119869
        tmp2 *= fix3_072711026
        tmp3 *= fix1_501321110
        y1 *= -fix0_899976223
        y2 *= -fix2_562915447
        y3 *= -fix1_961570560
        y4 *= -fix0_390180644
        y3 += z5
        y4 += z5
        tmp0 += y1 + y3
        tmp1 += y2 + y4
        tmp2 += y2 + y3
        tmp3 += y1 + y4
        return [tmp10 + tmp3, tmp11 + tmp2, tmp12 + tmp1, tmp13 + tmp0,
                tmp13 - tmp0, tmp12 - tmp1, tmp11 - tmp2, tmp10 - tmp3]
    }
}
