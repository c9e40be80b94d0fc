import Foundation
import ReferenceCore

/// A JPEG decoder in pure Swift (ITU T.81 / JFIF), written to agree with what
/// Pillow returns (libjpeg-turbo with its defaults) rather than with an ideal
/// decoder: the ISLOW integer IDCT, fancy upsampling and the fixed-point
/// YCbCr→RGB tables, so refvis can read a photo and get the very pixels a
/// Python pipeline would.
///
/// Supported: baseline (SOF0), extended sequential Huffman (SOF1) and
/// progressive (SOF2) frames at 8-bit precision, any integral chroma
/// subsampling (4:4:4, 4:2:2, 4:2:0, 4:1:1, 4:4:0, …), restart intervals and
/// EXIF orientation. Refused with a one-line error: arithmetic coding (SOF9+),
/// lossless and hierarchical frames, 12-bit samples, and anything malformed.
///
/// The result is (1, C, H, W) Float64 in [0, 1] (the byte / 255): C = 1 for
/// greyscale, 3 for colour (YCbCr converted to RGB, or RGB kept when Adobe's
/// transform flag or the component ids say it is RGB), and 4 for CMYK/YCCK,
/// returned as ink amounts exactly like Pillow's "CMYK" mode (Adobe files store
/// inverted CMYK; YCCK is converted to CMYK first), not converted to RGB.
///
/// Limits, checked before any large allocation: at most 2^28 samples
/// (width · height · components), at most 8 blocks per byte of file (every
/// block costs at least one bit), at most 1000 scans, and at most 100 full
/// passes over the frame's blocks counted over all scans together. Decoding time is therefore at most linear
/// in the file size times a constant (100 · 8 blocks per byte · 64 coefficients).
public enum JPEG {
    /// The most scans a file may have; real progressive files have about 10.
    public static let maxScans = 1000

    /// The most work the scans may do, in full passes over every block of the
    /// frame: libjpeg's progressive script makes about 10, so 100 is generous,
    /// and it bounds the time a hostile file of many near-empty scans can take.
    public static let maxPasses = 100

    /// Reads and decodes the JPEG file at `path`.
    public static func read(path: String, applyOrientation: Bool = true) throws -> Tensor {
        try decode(data: FileBytes.read(path), name: path, applyOrientation: applyOrientation)
    }

    /// Decodes JPEG bytes; `name` starts every error message. With
    /// `applyOrientation` (the default) an EXIF orientation tag is applied so the
    /// image comes out upright, as `ImageOps.exif_transpose` would make it.
    public static func decode(data: Data, name: String, applyOrientation: Bool = true) throws -> Tensor {
        let bytes = [UInt8](data)
        guard bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw RefvisError("\(name): not a JPEG: missing SOI marker")
        }
        var tables = JPEGTables()
        var frame: JPEGFrame?
        var scans = 0
        var blockVisits = 0
        var position = 2
        markers: while true {
            // Skip anything up to the next marker (libjpeg warns about such
            // bytes but carries on), then any 0xFF fill bytes.
            while position < bytes.count, bytes[position] != 0xFF { position += 1 }
            while position < bytes.count, bytes[position] == 0xFF { position += 1 }
            guard position < bytes.count else {
                throw RefvisError("\(name): truncated data: the file ends before the EOI marker")
            }
            let marker = bytes[position]
            position += 1
            switch marker {
            case 0x00, 0x01, 0xD0...0xD7: continue
            case 0xD8: throw RefvisError("\(name): corrupt data: a second SOI marker")
            case 0xD9: break markers
            default: break
            }
            guard position + 2 <= bytes.count else {
                throw RefvisError("\(name): truncated data: the file ends inside a marker segment")
            }
            let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
            guard length >= 2, position + length <= bytes.count else {
                throw RefvisError(length < 2 ? "\(name): bad segment length \(length) for marker 0x\(hex(marker))"
                                             : "\(name): truncated data: a marker segment runs past the end of the file")
            }
            let payload = bytes[(position + 2)..<(position + length)]
            position += length
            switch marker {
            case 0xC0, 0xC1, 0xC2:
                guard frame == nil else { throw RefvisError("\(name): corrupt data: a second SOF marker") }
                frame = try JPEGFrame(payload: Array(payload), progressive: marker == 0xC2, fileSize: bytes.count, name: name)
            case 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF, 0xCC:
                throw RefvisError("\(name): arithmetic-coded JPEG (SOF\(Int(marker) - 0xC0)) is not supported; only Huffman coding is")
            case 0xC3, 0xC5, 0xC6, 0xC7:
                throw RefvisError("\(name): lossless or hierarchical JPEG (SOF\(Int(marker) - 0xC0)) is not supported")
            case 0xC4: try tables.defineHuffman(payload, name: name)
            case 0xDB: try tables.defineQuantization(payload, name: name)
            case 0xDD: try tables.defineRestartInterval(payload, name: name)
            case 0xE0...0xEF: tables.application(marker, payload)
            case 0xDA:
                guard var current = frame else { throw RefvisError("\(name): corrupt data: SOS marker before any SOF marker") }
                scans += 1
                guard scans <= maxScans else { throw RefvisError("\(name): more than \(maxScans) scans") }
                let scan = try tables.scan(payload, frame: &current, name: name)
                blockVisits += JPEGScanDecoder.blockCount(scan, in: current)
                let frameBlocks = current.components.reduce(0) { $0 + $1.blocksPerLine * $1.blocksPerColumn }
                guard blockVisits <= maxPasses * frameBlocks else {
                    throw RefvisError("\(name): the scans make more than \(maxPasses) passes over the image")
                }
                var decoder = JPEGScanDecoder(bytes: bytes, position: position, scan: scan, progressive: current.progressive,
                                              restartInterval: tables.restartInterval, name: name)
                frame = nil  // keep the coefficient arrays uniquely referenced while decoding
                position = try decoder.decode(into: &current)
                frame = current
            default: break  // COM, DNL, JPGn, …: nothing refvis needs
            }
        }
        guard let frame else { throw RefvisError("\(name): corrupt data: no SOF marker") }
        guard scans > 0 else { throw RefvisError("\(name): corrupt data: no SOS marker (no image data)") }
        return try assemble(frame, tables: tables, name: name, applyOrientation: applyOrientation)
    }

    /// IDCT, upsampling, colour conversion and orientation: coefficients to tensor.
    private static func assemble(_ frame: JPEGFrame, tables: JPEGTables, name: String,
                                 applyOrientation: Bool) throws -> Tensor {
        for c in frame.components where frame.hMax % c.h != 0 || frame.vMax % c.v != 0 {
            throw RefvisError("\(name): component \(c.id) has sampling factors \(c.h)×\(c.v), not a divisor of \(frame.hMax)×\(frame.vMax)")
        }
        let (width, height) = (frame.width, frame.height)
        var planes: [[UInt8]] = frame.components.map { c in
            let stride = c.blocksPerLine * 8
            var plane = [UInt8](repeating: 0, count: stride * c.blocksPerColumn * 8)
            // A component no scan covered has no latched table; its blocks are all zero anyway.
            let quant = c.quantTable ?? [Int](repeating: 0, count: 64)
            c.coefficients.withUnsafeBufferPointer { all in
                for row in 0..<c.blocksPerColumn {
                    for column in 0..<c.blocksPerLine {
                        let offset = (row * c.blocksPerLine + column) * 64
                        JPEGIDCT.transform(UnsafeBufferPointer(rebasing: all[offset..<(offset + 64)]), quant: quant,
                                           into: &plane, offset: row * 8 * stride + column * 8, stride: stride)
                    }
                }
            }
            return JPEGUpsampling.upsample(plane, width: c.width, height: c.height, stride: stride,
                                           hFactor: frame.hMax / c.h, vFactor: frame.vMax / c.v,
                                           outWidth: width, outHeight: height)
        }
        let ids = frame.components.map(\.id)
        switch planes.count {
        case 3:
            let isRGB = !tables.sawJFIF && (tables.adobeTransform.map { $0 == 0 } ?? (ids == [82, 71, 66]))
            if !isRGB { JPEGColor.yccToRGB(&planes) }
        case 4:
            if tables.adobeTransform == 2 {
                // YCCK: libjpeg gives C = 255 − R etc.; Pillow's "CMYK;I" then inverts all four.
                JPEGColor.yccToRGB(&planes)
                planes[3] = planes[3].map { 255 - $0 }
            } else if tables.adobeTransform != nil {
                planes = planes.map { $0.map { 255 - $0 } }
            }
        default: break
        }
        var (outW, outH) = (width, height)
        if applyOrientation, let orientation = tables.orientation {
            (planes, outW, outH) = JPEGOrientation.apply(orientation, planes: planes, width: width, height: height)
        }
        var scalars = [Double]()
        scalars.reserveCapacity(planes.count * outW * outH)
        for plane in planes { for value in plane { scalars.append(Double(value) / 255) } }
        return Tensor(shape: [1, planes.count, outH, outW], scalars: scalars)
    }

    private static func hex(_ byte: UInt8) -> String { String(format: "%02X", byte) }
}
