// swift-tools-version:6.2
//
// Shoal — an adaptive, partitioned vector search engine.
//
// Kernel targets: the distance kernels are written once, as `@inlinable` generic code in
// `ShoalSIMD`, and compiled three times: in `ShoalKernels` for the baseline x86-64 (SSE2) target,
// in `ShoalKernelsAVX2` with `-target-cpu haswell` and in `ShoalKernelsAVX512` with
// `-target-cpu skylake-avx512`. `ShoalKernels` picks one at start-up from a CPU check, so a plain
// `swift build -c release` is fast on the machine it runs on and never executes an instruction the
// CPU lacks. The CPU flags are `unsafeFlags` in two internal (non-product) targets; since SwiftPM
// 6.2 a package with tools version ≥ 6.2 may carry them and still be used as a dependency.
//
// Internal checks: build with `-Xswiftc -DSHOAL_INTERNAL_CHECKS` to verify every structural
// invariant after each mutation (slow; `.ci/run` runs the test suite once that way).
import PackageDescription

let strictSwift: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

// The kernels are optimised even in debug builds: unoptimised generic SIMD code is two orders of
// magnitude slower, which would make the test suite crawl without testing anything different.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

#if arch(x86_64)
let avx2Flags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])] + optimizedInDebug
let avx512Flags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "skylake-avx512"])] + optimizedInDebug
#else
let avx2Flags: [SwiftSetting] = optimizedInDebug
let avx512Flags: [SwiftSetting] = optimizedInDebug
#endif

let package = Package(
    name: "Shoal",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Shoal", targets: ["Shoal"]),
        .library(name: "ShoalData", targets: ["ShoalData"]),
        .library(name: "ShoalKernels", targets: ["ShoalKernels"]),
        .library(name: "ShoalStore", targets: ["ShoalStore"]),
        .executable(name: "shoal", targets: ["shoal"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "ShoalShims"),
        .target(name: "ShoalSIMD", dependencies: ["ShoalShims"], swiftSettings: strictSwift),
        .target(name: "ShoalKernelsBaseline", dependencies: ["ShoalSIMD"], swiftSettings: strictSwift + optimizedInDebug),
        .target(name: "ShoalKernelsAVX2", dependencies: ["ShoalSIMD"], swiftSettings: strictSwift + avx2Flags),
        .target(name: "ShoalKernelsAVX512", dependencies: ["ShoalSIMD"], swiftSettings: strictSwift + avx512Flags),
        .target(
            name: "ShoalKernels",
            dependencies: ["ShoalShims", "ShoalKernelsBaseline", "ShoalKernelsAVX2", "ShoalKernelsAVX512"],
            swiftSettings: strictSwift
        ),
        .target(name: "Shoal", dependencies: ["ShoalShims", "ShoalKernels"], swiftSettings: strictSwift),
        .target(name: "ShoalData", dependencies: ["Shoal", "ShoalKernels"], swiftSettings: strictSwift),
        // Durable collections: a directory of checksummed snapshots and a write-ahead log.
        .target(name: "ShoalStore", dependencies: ["Shoal"], swiftSettings: strictSwift),
        .executableTarget(
            name: "shoal",
            dependencies: [
                "Shoal", "ShoalData", "ShoalStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift
        ),
        .target(name: "ShoalTestSupport", dependencies: ["Shoal"], path: "Tests/ShoalTestSupport", swiftSettings: strictSwift),
        .testTarget(name: "ShoalKernelsTests", dependencies: ["ShoalKernels", "ShoalTestSupport"], swiftSettings: strictSwift),
        .testTarget(name: "ShoalTests", dependencies: ["Shoal", "ShoalData", "ShoalTestSupport"], swiftSettings: strictSwift),
        .testTarget(name: "ShoalDataTests", dependencies: ["ShoalData", "ShoalTestSupport"], swiftSettings: strictSwift),
        // Depends on `shoal` so that the executable its crash tests kill is built before them.
        .testTarget(
            name: "ShoalStoreTests", dependencies: ["ShoalStore", "Shoal", "ShoalTestSupport", "shoal"],
            swiftSettings: strictSwift),
        .testTarget(name: "shoalTests", dependencies: ["shoal", "ShoalTestSupport"], swiftSettings: strictSwift),
    ]
)
