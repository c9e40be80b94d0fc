import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// `refvis render`'s output files, checked before any computation and
/// written atomically after it.
struct RenderOutputs {
    let image: String
    let contactSheet: String?
    let lossCSV: String?
    let trace: String?

    static let imageExtensions: Set<String> = ["png", "ppm", "npy"]
    static let sheetExtensions: Set<String> = ["png", "ppm"]

    init(_ arguments: ParsedArguments) throws {
        image = arguments.value("out") ?? "render.png"
        contactSheet = arguments.value("contact-sheet")
        lossCSV = arguments.value("loss-csv")
        trace = arguments.value("trace")
        let named: [(option: String, path: String?)] = [("out", image), ("contact-sheet", contactSheet), ("loss-csv", lossCSV),
                                                         ("trace", trace), ("checkpoint", arguments.value("checkpoint"))]
        let outputs = named.compactMap { entry in entry.path.map { (option: entry.option, path: $0) } }
        for (option, path) in outputs { try Self.checkWritable(path, option: option) }
        for (option, allowed, names) in [("out", Self.imageExtensions, ".png or .ppm (a picture) or .npy (the array)"),
                                         ("contact-sheet", Self.sheetExtensions, ".png or .ppm")] {
            if let path = outputs.first(where: { $0.option == option })?.path, !allowed.contains(AtomicFile.fileExtension(path)) {
                throw RefvisError.usage("--\(option) \(path): written as \(names), by extension")
            }
        }
        for (index, output) in outputs.enumerated() {
            if let other = outputs[..<index].first(where: { URL(fileURLWithPath: $0.path).standardized == URL(fileURLWithPath: output.path).standardized }) {
                throw RefvisError.usage("--\(other.option) and --\(output.option) name the same file \(output.path)")
            }
        }
    }

    func write(_ result: RenderResult) throws {
        try Self.writeImage(result.snapshots.last!.image, to: image)
        if let contactSheet { try Self.writeImage(ContactSheet.make(result.snapshots.map(\.image)), to: contactSheet) }
        if let lossCSV {
            let lines = ["step,loss"] + result.losses.enumerated().map { "\($0.offset + 1),\(formatDouble($0.element))" }
            try AtomicFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: lossCSV)
        }
        if let trace { try result.trace.write(to: trace) }
    }

    /// By extension: .npy keeps the whole (B, C, H, W) float64 array; .png
    /// and .ppm show every image of the batch side by side (a PNG holds 1, 3
    /// or 4 channels, a PPM 3 or a PGM 1; other channel counts are shown as
    /// one grey panel per channel).
    static func writeImage(_ image: Tensor, to path: String) throws {
        if path.lowercased().hasSuffix(".npy") { return try NumPyFile.write(image, to: path) }
        let single = image.shape[0] == 1 && [1, 3, 4].contains(image.shape[1])
        let sheet = single ? image : ContactSheet.make([image])
        if path.lowercased().hasSuffix(".ppm") {
            try NetPBM.write(sheet, to: path)
        } else {
            try PNG.write(sheet, to: path)
        }
    }

    /// Refuses, before any computation, an output path that names a folder or
    /// whose folder is missing or read-only.
    static func checkWritable(_ path: String, option: String) throws {
        var isDirectory: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw RefvisError.usage("--\(option) \(path): names a folder, not a file")
        }
        let folder = AtomicFile.split(path).directory
        let directory = folder.isEmpty ? "." : folder
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RefvisError("\(path): the folder '\(directory)' does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw RefvisError("\(path): the folder '\(directory)' is not writable")
        }
    }
}

/// Every image of every snapshot side by side, with 2-pixel white gutters:
/// one row per snapshot, one column per batch image. Images of different
/// sizes (octaves) sit in cells of the largest size. An image whose channel
/// count no picture format holds (2, 5, …) shows each channel as a grey panel.
enum ContactSheet {
    static func make(_ snapshots: [Tensor]) -> Tensor {
        let panels = snapshots.map(displayable)
        let channels = panels[0].shape[1]
        let batch = panels.map { $0.shape[0] }.max()!
        let height = panels.map { $0.shape[2] }.max()!, width = panels.map { $0.shape[3] }.max()!
        let gutter = 2
        let sheetHeight = panels.count * (height + gutter) + gutter
        let sheetWidth = batch * (width + gutter) + gutter
        var sheet = Tensor(repeating: 1, shape: [1, channels, sheetHeight, sheetWidth])
        for (row, image) in panels.enumerated() {
            let (n, h, w) = (image.shape[0], image.shape[2], image.shape[3])
            for b in 0..<n {
                for c in 0..<channels {
                    for y in 0..<h {
                        for x in 0..<w {
                            let target = (c * sheetHeight + gutter + row * (height + gutter) + y) * sheetWidth + gutter + b * (width + gutter) + x
                            sheet.scalars[target] = image.scalars[((b * channels + c) * h + y) * w + x]
                        }
                    }
                }
            }
        }
        return sheet
    }

    /// (B, C, H, W) as it can be shown: unchanged for 1, 3 or 4 channels, else
    /// (B·C, 1, H, W), each channel a grey image.
    static func displayable(_ image: Tensor) -> Tensor {
        guard ![1, 3, 4].contains(image.shape[1]) else { return image }
        return Tensor(shape: [image.shape[0] * image.shape[1], 1, image.shape[2], image.shape[3]], scalars: image.scalars)
    }
}
