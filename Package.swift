// swift-tools-version:6.0
// refvis: a Float64 reference implementation of feature visualization.
// No package dependencies: the standard library, Foundation, Dispatch and
// Swift Testing only, so it builds anywhere the toolchain does.
//
// The library is five modules stacked in one direction; the compiler, not a
// convention, keeps a lower one from reaching up:
//
//     ReferenceCore   tensors, the op registry, the tape, the ops, the generator, the gradient checker
//       ↑
//     ReferenceIO     .npy, safetensors, PNG, PPM/PGM, atomic files, checksums
//       ↑
//     ReferenceVis    parameterizations, transforms, objectives, optimizers, models, the engine
//       ↑                       ↑
//     ReferenceGolden           ReferenceLab
//     (the conformance kit)     (analysis, datasets, training, benchmarks)
import PackageDescription

let package = Package(
    name: "refvis",
    products: [
        .library(name: "Reference", targets: ["ReferenceCore", "ReferenceIO", "ReferenceVis", "ReferenceGolden", "ReferenceLab"]),
        .executable(name: "refvis", targets: ["refvis"]),
    ],
    targets: [
        .target(name: "ReferenceCore", path: "Sources/Reference/Core"),
        .target(name: "ReferenceIO", dependencies: ["ReferenceCore"], path: "Sources/Reference/IO"),
        .target(name: "ReferenceVis", dependencies: ["ReferenceCore", "ReferenceIO"], path: "Sources/Reference/Vis"),
        .target(name: "ReferenceGolden", dependencies: ["ReferenceCore", "ReferenceIO", "ReferenceVis"], path: "Sources/Reference/Golden"),
        .target(name: "ReferenceLab", dependencies: ["ReferenceCore", "ReferenceIO", "ReferenceVis"], path: "Sources/Reference/Lab"),
        .executableTarget(name: "refvis",
                          dependencies: ["ReferenceCore", "ReferenceIO", "ReferenceVis", "ReferenceGolden", "ReferenceLab"],
                          path: "Sources/refvis"),
        // The one close/expectClose/expectError every test target shares.
        .target(name: "ReferenceTestSupport", dependencies: ["ReferenceCore"], path: "Tests/Support"),
        .testTarget(name: "Gradients", dependencies: ["ReferenceCore", "ReferenceIO", "ReferenceVis", "ReferenceLab", "ReferenceTestSupport"],
                    path: "Tests/Gradients"),
        .testTarget(name: "Golden", dependencies: ["ReferenceCore", "ReferenceIO", "ReferenceVis", "ReferenceGolden", "ReferenceTestSupport"],
                    path: "Tests/Golden"),
        .testTarget(name: "IO", dependencies: ["ReferenceCore", "ReferenceIO", "ReferenceVis", "ReferenceGolden", "ReferenceLab", "ReferenceTestSupport", "refvis"],
                    path: "Tests/IO"),
    ]
)
