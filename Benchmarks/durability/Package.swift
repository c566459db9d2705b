// swift-tools-version:6.2
//
// Durability benchmarks for ShoalStore: insert throughput with durability against the in-memory
// index, reopen time of a large collection, log replay time, and search latency while inserts
// run. Run it with `Benchmarks/durability/run.sh` from the repository root. Never part of the
// library.
import PackageDescription

let package = Package(
    name: "DurabilityBench",
    dependencies: [
        .package(name: "Shoal", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "durability-bench",
            dependencies: [
                .product(name: "Shoal", package: "Shoal"),
                .product(name: "ShoalStore", package: "Shoal"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
