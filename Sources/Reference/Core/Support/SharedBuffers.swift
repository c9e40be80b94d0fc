/// The one way a kernel hands its buffers to the bodies of `Parallel.forEach`.
///
/// A `forEach` body is `@Sendable`: it may run on several threads at once, so
/// the compiler refuses to let it capture an `UnsafeMutableBufferPointer` (or
/// any raw pointer). These two wrappers tell it, with `@unchecked Sendable`,
/// that sharing is safe. That is true only under the rules every kernel
/// follows, which are the reason results are bitwise identical at any thread
/// count:
///
/// 1. Disjoint writes. Index `i` of the loop writes only the elements it owns
///    (its output channels, rows or planes), so no element is written by two
///    workers, and none is read by one worker while another writes it.
/// 2. Read-only inputs. Nothing writes a `SharedInput`'s memory while the loop
///    runs; any number of workers may read it.
/// 3. Scoped lifetime. A wrapper is made inside `withUnsafe(Mutable)BufferPointer`
///    and used only by the `forEach` called there. `forEach` returns after
///    every body has finished (Dispatch's `concurrentPerform` waits for its
///    iterations), which also makes the workers' writes visible to the caller.
///
/// The wrappers add no checks on the hot path: `base` is the raw pointer.
/// They exist so the unsafety is stated once, here, instead of in each kernel.
package struct SharedOutput<Element>: @unchecked Sendable {
    /// The first element; index it with the offsets the body owns.
    package let base: UnsafeMutablePointer<Element>
    /// The number of elements of the buffer.
    package let count: Int

    /// Wraps the buffer of an array (or other storage) for one `forEach`.
    /// The buffer must have an address, which an array's always has, even when empty.
    package init(_ buffer: UnsafeMutableBufferPointer<Element>) {
        base = buffer.baseAddress!
        count = buffer.count
    }

    /// The elements `range`, for a body that owns exactly that slice.
    package func slice(_ range: Range<Int>) -> UnsafeMutableBufferPointer<Element> {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice \(range) outside 0..<\(count)")
        return UnsafeMutableBufferPointer(start: base + range.lowerBound, count: range.count)
    }
}

/// A buffer the bodies of one `Parallel.forEach` only read; see `SharedOutput`
/// for why sharing it is safe.
package struct SharedInput<Element>: @unchecked Sendable {
    /// The first element.
    package let base: UnsafePointer<Element>
    /// The number of elements of the buffer.
    package let count: Int

    /// Wraps the buffer of an array (or other storage) for one `forEach`.
    /// The buffer must have an address, which an array's always has, even when empty.
    package init(_ buffer: UnsafeBufferPointer<Element>) {
        base = buffer.baseAddress!
        count = buffer.count
    }

    /// The elements `range`.
    package func slice(_ range: Range<Int>) -> UnsafeBufferPointer<Element> {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice \(range) outside 0..<\(count)")
        return UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
    }
}
