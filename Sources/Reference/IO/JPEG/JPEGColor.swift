/// YCbCr → RGB exactly as libjpeg's jdcolor.c does it: 16-bit fixed-point
/// tables (SCALEBITS = 16) built once, then table look-ups, an add and a clamp.
/// A floating-point formula differs from libjpeg by 1 on some pixels.
enum JPEGColor {
    private static let scaleBits = 16
    private static let oneHalf = 1 << (scaleBits - 1)
    private static func fix(_ x: Double) -> Int { Int(x * Double(1 << scaleBits) + 0.5) }

    /// Cr_r_tab, Cb_b_tab, Cr_g_tab and Cb_g_tab of jdcolor.c build_ycc_rgb_table.
    private static let tables: (crR: [Int], cbB: [Int], crG: [Int], cbG: [Int]) = {
        var crR = [Int](), cbB = [Int](), crG = [Int](), cbG = [Int]()
        for i in 0..<256 {
            let x = i - 128
            crR.append((fix(1.40200) * x + oneHalf) >> scaleBits)
            cbB.append((fix(1.77200) * x + oneHalf) >> scaleBits)
            crG.append(-fix(0.71414) * x)
            cbG.append(-fix(0.34414) * x + oneHalf)
        }
        return (crR, cbB, crG, cbG)
    }()

    @inline(__always) private static func clamp(_ x: Int) -> UInt8 { UInt8(min(max(x, 0), 255)) }

    /// Converts the first three full-size planes in place from YCbCr to RGB.
    static func yccToRGB(_ planes: inout [[UInt8]]) {
        let t = tables
        var (y, cb, cr) = (planes[0], planes[1], planes[2])
        for i in y.indices {
            let luma = Int(y[i]), b = Int(cb[i]), r = Int(cr[i])
            y[i] = clamp(luma + t.crR[r])
            cb[i] = clamp(luma + ((t.cbG[b] + t.crG[r]) >> scaleBits))
            cr[i] = clamp(luma + t.cbB[b])
        }
        (planes[0], planes[1], planes[2]) = (y, cb, cr)
    }
}
