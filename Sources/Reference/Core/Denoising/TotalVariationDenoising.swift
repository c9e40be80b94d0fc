import Foundation

// Total-variation denoising by Chambolle's projection algorithm, with the
// update and stopping rule of scikit-image's denoise_tv_chambolle
// (skimage.restoration._denoise._denoise_tv_chambolle_nd). The Keras seed
// applies it to the image after each gradient step from step 50 on. It is an
// image operation, not a differentiable op.

/// The validated arguments of both entry points.
private func checkDenoiseArguments(weight: Double, eps: Double, maxNumIter: Int) throws {
    guard weight > 0, weight.isFinite else {
        throw RefvisError.usage("denoise_tv_chambolle: weight must be a finite number > 0, got \(formatDouble(weight))")
    }
    guard eps >= 0, eps.isFinite else {
        throw RefvisError.usage("denoise_tv_chambolle: eps must be a finite number >= 0, got \(formatDouble(eps))")
    }
    guard maxNumIter >= 1 else {
        throw RefvisError.usage("denoise_tv_chambolle: max_num_iter must be >= 1, got \(maxNumIter)")
    }
}

/// Chambolle's iteration on one n-d array (`shape`, row-major `image`), step
/// for step as skimage's `_denoise_tv_chambolle_nd`. With d the number of
/// axes, τ = 1/(2d), p a d-vector field (zero at first) and g the forward
/// differences (zero at the last index of their axis), iteration i does:
///
///     div = −Σ_ax p[ax] + Σ_ax p[ax] shifted one step forward along ax   (0 at i = 0)
///     out = image + div
///     E   = (Σ div² + weight·Σ |g(out)|) / size,  |g| = √(Σ_ax g[ax]²)
///     p   ← (p − τ·g(out)) / (1 + (τ / weight)·|g(out)|)
///
/// and stops, returning `out` of that iteration, when |E_prev − E| < eps·E_0
/// (checked from i = 1 on) or after `maxNumIter` iterations. A constant image
/// has E_0 = 0, never meets the test and comes back unchanged.
private func chambolle(_ image: UnsafeBufferPointer<Double>, shape: [Int], weight: Double, eps: Double,
                       maxNumIter: Int, into result: UnsafeMutableBufferPointer<Double>) {
    let size = image.count
    let ndim = shape.count
    let strides = Tensor.strides(for: shape)
    // coordinate[axis][k]: element k's index along `axis`, which decides
    // whether it has a predecessor (≥ 1) and a successor (< n − 1) there.
    let coordinate = (0..<ndim).map { axis in (0..<size).map { k in (k / strides[axis]) % shape[axis] } }
    var p = [[Double]](repeating: [Double](repeating: 0, count: size), count: ndim)
    var g = p
    var divergence = [Double](repeating: 0, count: size)
    var out = Array(image)
    var norm = [Double](repeating: 0, count: size)
    let tau = 1 / (2 * Double(ndim))
    var energyInitial = 0.0, energyPrevious = 0.0
    for i in 0..<maxNumIter {
        if i > 0 {
            // −p.sum(0), then each axis's field added one step forward.
            for k in 0..<size {
                var total = 0.0
                for axis in 0..<ndim { total += p[axis][k] }
                divergence[k] = -total
            }
            for axis in 0..<ndim {
                let s = strides[axis]
                for k in 0..<size where coordinate[axis][k] >= 1 { divergence[k] += p[axis][k - s] }
            }
            for k in 0..<size { out[k] = image[k] + divergence[k] }
        }
        var energy = 0.0
        for k in 0..<size { energy += divergence[k] * divergence[k] }
        for axis in 0..<ndim {
            let s = strides[axis], n = shape[axis]
            for k in 0..<size where coordinate[axis][k] < n - 1 { g[axis][k] = out[k + s] - out[k] }
        }
        var normSum = 0.0
        for k in 0..<size {
            var squares = 0.0
            for axis in 0..<ndim { squares += g[axis][k] * g[axis][k] }
            norm[k] = squares.squareRoot()
            normSum += norm[k]
        }
        energy += weight * normSum
        let scale = tau / weight
        for k in 0..<size { norm[k] = norm[k] * scale + 1 }
        for axis in 0..<ndim {
            for k in 0..<size { p[axis][k] = (p[axis][k] - tau * g[axis][k]) / norm[k] }
        }
        energy /= Double(size)
        if i == 0 {
            energyInitial = energy
            energyPrevious = energy
        } else if abs(energyPrevious - energy) < eps * energyInitial {
            break
        } else {
            energyPrevious = energy
        }
    }
    for k in 0..<size { result[k] = out[k] }
}

/// Total-variation denoising of every (H, W) plane on its own — each channel
/// of each image — with the algorithm and stopping rule of
/// `skimage.restoration.denoise_tv_chambolle(image, weight, eps, max_num_iter,
/// channel_axis=…)` on one 2-d channel (so τ = 1/4): it minimizes, by
/// Chambolle's projection algorithm,
///
///     ½·Σ (u − f)² + weight · Σ |∇u|     (isotropic TV, forward differences)
///
/// approximately, stopping when the energy E (see `chambolle`) changes by
/// less than eps·E₀ between iterations, or after `maxNumIter` iterations.
/// A larger weight removes more noise and more detail.
///
/// Input (N, C, H, W), (C, H, W) or (H, W); output of the same shape. refvis
/// computes in Float64; skimage keeps float32 input in float32 (as the Keras
/// seed's arrays are), so its results differ from these by float32 rounding.
/// Sums run in index order where NumPy uses pairwise summation; this can only
/// change the iteration at which a near-tie stopping test fires.
///
/// The Keras seed calls `denoise_tv_chambolle(img, weight)` on its
/// (1, 224, 224, 3) array *without* `channel_axis`, which denoises the whole
/// 4-d array at once (channels coupled, τ = 1/8): that is
/// `denoiseTVChambolleND`.
///
/// - Throws: `RefvisError` for another rank, weight ≤ 0, eps < 0 or
///   maxNumIter < 1 (skimage would divide by zero or return nothing).
public func denoiseTVChambolle(_ image: Tensor, weight: Double = 0.1, eps: Double = 2e-4, maxNumIter: Int = 200) throws -> Tensor {
    guard (2...4).contains(image.rank) else {
        throw RefvisError("denoise_tv_chambolle: expected an image (H, W), (C, H, W) or a batch (N, C, H, W), got shape \(formatShape(image.shape))")
    }
    try checkDenoiseArguments(weight: weight, eps: eps, maxNumIter: maxNumIter)
    let (h, w) = (image.shape[image.rank - 2], image.shape[image.rank - 1])
    let area = h * w
    let planes = area == 0 ? 0 : image.count / area
    var result = [Double](repeating: 0, count: image.count)
    image.scalars.withUnsafeBufferPointer { source in
        result.withUnsafeMutableBufferPointer { destination in
            // Each plane is read and written by exactly one worker.
            let input = SharedInput(source)
            let output = SharedOutput(destination)
            Parallel.forEach(planes) { plane in
                let slice = input.slice((plane * area)..<((plane + 1) * area))
                let target = output.slice((plane * area)..<((plane + 1) * area))
                chambolle(slice, shape: [h, w], weight: weight, eps: eps, maxNumIter: maxNumIter, into: target)
            }
        }
    }
    return Tensor(shape: image.shape, scalars: result)
}

/// Total-variation denoising of the whole array as one n-d signal:
/// `skimage.restoration.denoise_tv_chambolle(array, weight, eps,
/// max_num_iter)` with `channel_axis=None`, τ = 1/(2·rank). Differences run
/// along every axis, channels and batch included — what the Keras seed's call
/// on its (1, 224, 224, 3) array does. The algorithm treats all axes alike, so
/// the same array in NCHW order gives the same result up to rounding. Any
/// rank ≥ 1.
public func denoiseTVChambolleND(_ array: Tensor, weight: Double = 0.1, eps: Double = 2e-4, maxNumIter: Int = 200) throws -> Tensor {
    guard array.rank >= 1 else {
        throw RefvisError("denoise_tv_chambolle: expected an array of at least 1 dimension, got a scalar")
    }
    try checkDenoiseArguments(weight: weight, eps: eps, maxNumIter: maxNumIter)
    var result = [Double](repeating: 0, count: array.count)
    if array.count > 0 {
        array.scalars.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { destination in
                chambolle(source, shape: array.shape, weight: weight, eps: eps, maxNumIter: maxNumIter, into: destination)
            }
        }
    }
    return Tensor(shape: array.shape, scalars: result)
}
