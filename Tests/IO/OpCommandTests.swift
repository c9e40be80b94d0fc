import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

/// `refvis op` reproduces small cases worked out by hand.
@Suite("refvis op")
struct OpCommandTests {
    // x = [[1,2,3],[4,5,6],[7,8,9]], w = [[1,2],[3,4]]: each output is
    // x[i,j]·1 + x[i,j+1]·2 + x[i+1,j]·3 + x[i+1,j+1]·4, e.g. 1 + 4 + 12 + 20 = 37.
    private let x: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    private let w: [Double] = [1, 2, 3, 4]

    @Test func conv2dForwardAndGradients() throws {
        let dir = try TemporaryDirectory()
        let result = try Refvis.run([
            "op", "conv2d",
            "-i", "input=" + dir.npy("x.npy", [1, 1, 3, 3], x),
            "-i", "weight=" + dir.npy("w.npy", [1, 1, 2, 2], w),
            "-i", "bias=" + dir.npy("b.npy", [1], [0.5]),
            "-o", "output=" + dir.path("y.npy"),
            "--cotangent", "output=" + dir.npy("dy.npy", [1, 1, 2, 2], [1, 1, 1, 1]),
            "--grad", "input=" + dir.path("dx.npy"),
            "--grad", "weight=" + dir.path("dw.npy"),
            "--grad", "bias=" + dir.path("db.npy"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let y = try NumPyFile.read(path: dir.path("y.npy"))
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.scalars == [37.5, 47.5, 67.5, 77.5])
        // With a cotangent of ones, each input collects the weights of the windows that contain it.
        #expect(try NumPyFile.read(path: dir.path("dx.npy")).scalars == [1, 3, 2, 4, 10, 6, 3, 7, 4])
        // … and each weight the sum of the inputs it meets: the four 2×2 windows.
        #expect(try NumPyFile.read(path: dir.path("dw.npy")).scalars == [12, 16, 24, 28])
        #expect(try NumPyFile.read(path: dir.path("db.npy")).scalars == [4])
    }

    @Test func conv2dStrideAndPadding() throws {
        // Padded to 5×5, windows start at -1 and 1: out[0,0] = 1·4 (only x[0,0] under w[1,1]),
        // out[0,1] = 2·3 + 3·4, out[1,0] = 4·2 + 7·4, out[1,1] = 5·1 + 6·2 + 8·3 + 9·4.
        let dir = try TemporaryDirectory()
        let result = try Refvis.run([
            "op", "conv2d",
            "-i", "input=" + dir.npy("x.npy", [1, 1, 3, 3], x),
            "-i", "weight=" + dir.npy("w.npy", [1, 1, 2, 2], w),
            "-a", "stride=2", "-a", "padding=[1,1]",
            "-o", "output=" + dir.path("y.npy"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try NumPyFile.read(path: dir.path("y.npy")).scalars == [4, 18, 36, 77])
    }

    @Test func maxPool2dWithCeilMode() throws {
        // 3×3 input, kernel 2, stride 2: floor mode keeps one window, ceil mode adds the
        // partial windows at the right and bottom edges.
        let dir = try TemporaryDirectory()
        let input = try dir.npy("x.npy", [1, 1, 3, 3], [1, 5, 2, 3, 4, 8, 9, 7, 6])
        let floor = try Refvis.run(["op", "max_pool2d", "-i", "input=" + input, "-a", "kernel_size=2",
                                    "-o", "output=" + dir.path("floor.npy")])
        #expect(floor.status == 0, "\(floor.stderr)")
        #expect(try NumPyFile.read(path: dir.path("floor.npy")).scalars == [5])

        let ceil = try Refvis.run([
            "op", "max_pool2d", "-i", "input=" + input, "-a", "kernel_size=2", "-a", "ceil_mode=true",
            "-o", "output=" + dir.path("ceil.npy"),
            "--cotangent", "output=" + dir.npy("dy.npy", [1, 1, 2, 2], [1, 2, 3, 4]),
            "--grad", "input=" + dir.path("dx.npy"),
        ])
        #expect(ceil.status == 0, "\(ceil.stderr)")
        let y = try NumPyFile.read(path: dir.path("ceil.npy"))
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.scalars == [5, 8, 9, 6])
        // Each window's cotangent goes to its maximum: 5 at (0,1), 8 at (1,2), 9 at (2,0), 6 at (2,2).
        #expect(try NumPyFile.read(path: dir.path("dx.npy")).scalars == [0, 1, 0, 0, 0, 2, 3, 0, 4])
    }

    @Test func catTakesItsVariadicInputInOrder() throws {
        let dir = try TemporaryDirectory()
        let result = try Refvis.run([
            "op", "cat", "-i", "tensors=" + dir.npy("a.npy", [1, 2], [1, 2]),
            "-i", "tensors=" + dir.npy("b.npy", [2, 2], [3, 4, 5, 6]),
            "-o", "output=" + dir.path("y.npy"),
            "--cotangent", "output=" + dir.npy("dy.npy", [3, 2], [10, 20, 30, 40, 50, 60]),
            "--grad", "tensors=" + dir.path("da.npy"), "--grad", "tensors=" + dir.path("db.npy"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try NumPyFile.read(path: dir.path("y.npy")).scalars == [1, 2, 3, 4, 5, 6])
        #expect(try NumPyFile.read(path: dir.path("da.npy")).scalars == [10, 20])
        #expect(try NumPyFile.read(path: dir.path("db.npy")).scalars == [30, 40, 50, 60])
    }

    @Test func padAcceptsMinusInfinity() throws {
        let dir = try TemporaryDirectory()
        let result = try Refvis.run([
            "op", "pad", "-i", "input=" + dir.npy("x.npy", [1, 2], [1, 2]),
            "-a", "pad=[1,0]", "-a", "value=-inf", "-o", "output=" + dir.path("y.npy"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try NumPyFile.read(path: dir.path("y.npy")).scalars == [-.infinity, 1, 2])
    }
}
