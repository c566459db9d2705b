// swift-tools-version:6.2
//
// Kernel benchmark for Shoal: times the Swift distance kernels (`ShoalKernels.Kernels`, dispatched
// per instruction set) against the same algorithms written in C with AVX2 intrinsics.
// Run it with `Benchmarks/kernels.sh` from the repository root. Never part of the library.
import PackageDescription

let package = Package(
    name: "KernelBench",
    dependencies: [
        .package(name: "Shoal", path: "../.."),
    ],
    targets: [
        // The C reference: the same algorithms as Sources/ShoalSIMD, in AVX2/FMA intrinsics
        // (plain C fallback where the compiler does not target AVX2+FMA).
        .target(
            name: "CReference",
            cSettings: [.unsafeFlags(["-O3", "-march=native", "-ffp-contract=fast"])]
        ),
        .executableTarget(
            name: "kernel-bench",
            dependencies: [
                "CReference",
                .product(name: "ShoalKernels", package: "Shoal"),
                .product(name: "Shoal", package: "Shoal"),  // SeededGenerator
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
