// The sizes of a Laplacian pyramid and its packed layout, the single-tensor
// form in which the registered ops pass a whole pyramid around.

/// The validated geometry of a pyramid of `levels` splits of a batch of images.
struct LaplacianPyramidGeometry {
    /// The full-size image batch.
    let layout: ImageLayout
    /// The number of splits (TF's `scale_n`); the pyramid holds levels + 1 bands.
    let levels: Int
    /// sizes[k] is the plane size after k splits: sizes[0] = (H, W) and
    /// sizes[k + 1] = (⌈h/2⌉, ⌈w/2⌉).
    let sizes: [(height: Int, width: Int)]

    /// Checks that every split halves a plane of at least 2×2, i.e. that
    /// H and W exceed 2^(levels − 1): a split of a 1-pixel side would only
    /// blur zeros into it.
    init(_ layout: ImageLayout, levels: Int, op: String) throws {
        guard levels >= 0 else {
            throw RefvisError.usage("\(op): attribute 'levels' must be >= 0, got \(levels)")
        }
        var sizes = [(height: layout.height, width: layout.width)]
        for k in 0..<levels {
            let (h, w) = sizes[k]
            guard h >= 2 && w >= 2 else {
                throw RefvisError("\(op): \(levels) levels are too many for a \(layout.height)x\(layout.width) image: split \(k + 1) would halve a \(h)x\(w) plane (height and width must exceed 2^(levels-1))")
            }
            sizes.append((BinomialResampling.halved(h), BinomialResampling.halved(w)))
        }
        self.layout = layout
        self.levels = levels
        self.sizes = sizes
    }

    /// The plane size of band b in list order (b = 0 is the coarsest, the
    /// low-pass residual; b = levels the finest, full-size high-pass).
    func bandSize(_ b: Int) -> (height: Int, width: Int) { sizes[levels - b] }

    /// The shape of band b, (N, C, h, w) or (C, h, w).
    func bandShape(_ b: Int) -> [Int] {
        let (h, w) = bandSize(b)
        return layout.resized(height: h, width: w).shape
    }

    /// Σ_b h_b·w_b: the packed length of one plane's pyramid.
    var packedLength: Int { sizes.reduce(0) { $0 + $1.height * $1.width } }

    /// (N, C, Σ h_b·w_b) or (C, Σ h_b·w_b).
    var packedShape: [Int] {
        layout.batched ? [layout.batch, layout.channels, packedLength] : [layout.channels, packedLength]
    }

    /// Concatenates, for every plane, its bands flattened in list order
    /// (coarsest first).
    func pack(_ bands: [[Double]]) -> Tensor {
        let total = packedLength
        var packed = [Double](repeating: 0, count: layout.planes * total)
        var offset = 0
        for b in 0...levels {
            let (h, w) = bandSize(b)
            let area = h * w
            for plane in 0..<layout.planes {
                for p in 0..<area { packed[plane * total + offset + p] = bands[b][plane * area + p] }
            }
            offset += area
        }
        return Tensor(shape: packedShape, scalars: packed)
    }

    /// The inverse of `pack`.
    func unpack(_ packed: [Double]) -> [[Double]] {
        let total = packedLength
        var bands = [[Double]]()
        var offset = 0
        for b in 0...levels {
            let (h, w) = bandSize(b)
            let area = h * w
            var band = [Double](repeating: 0, count: layout.planes * area)
            for plane in 0..<layout.planes {
                for p in 0..<area { band[plane * area + p] = packed[plane * total + offset + p] }
            }
            bands.append(band)
            offset += area
        }
        return bands
    }
}
