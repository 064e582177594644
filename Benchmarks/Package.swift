// swift-tools-version: 6.1
// onco benchmarks: a separate package so that benchmark-only code and dependencies never slow the
// main build. Each executable measures one area against its named peer; scripts in this folder run
// the peers (bcftools, cyvcf2, R survival, lifelines, faiss) in the same run and write results/*.md.
import PackageDescription

let package = Package(
    name: "onco-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "onco", path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(name: "bench-genomics", dependencies: [.product(name: "Genomics", package: "onco"), .product(name: "OncoCore", package: "onco")], path: "Sources/bench-genomics"),
        .executableTarget(name: "bench-delimited", dependencies: [.product(name: "OncoCore", package: "onco"), .product(name: "SurvivalInput", package: "onco")], path: "Sources/bench-delimited"),
        .executableTarget(name: "bench-survival", dependencies: [.product(name: "Survival", package: "onco")], path: "Sources/bench-survival"),
        .executableTarget(name: "bench-knowledge", dependencies: [.product(name: "Knowledge", package: "onco"), .product(name: "Genomics", package: "onco"), .product(name: "OncoCore", package: "onco")], path: "Sources/bench-knowledge"),
        .executableTarget(name: "bench-warehouse", dependencies: [.product(name: "Warehouse", package: "onco"), .product(name: "WarehousePostgres", package: "onco"), .product(name: "Genomics", package: "onco"), .product(name: "OncoCore", package: "onco")], path: "Sources/bench-warehouse"),
        .executableTarget(name: "bench-similarity", dependencies: [.product(name: "Similarity", package: "onco"), .product(name: "Vocabulary", package: "onco"), .product(name: "Warehouse", package: "onco"), .product(name: "OncoCore", package: "onco"), .product(name: "Logging", package: "swift-log")], path: "Sources/bench-similarity"),
        .executableTarget(name: "bench-recommend", dependencies: [.product(name: "Recommendation", package: "onco"), .product(name: "Reports", package: "onco"), .product(name: "Knowledge", package: "onco"), .product(name: "Warehouse", package: "onco"), .product(name: "Similarity", package: "onco"), .product(name: "Genomics", package: "onco"), .product(name: "OncoCore", package: "onco")], path: "Sources/bench-recommend"),
        .executableTarget(name: "bench-cohort", dependencies: [.product(name: "CohortStudy", package: "onco"), .product(name: "Warehouse", package: "onco"), .product(name: "WarehousePostgres", package: "onco"), .product(name: "Survival", package: "onco"), .product(name: "OncoCore", package: "onco")], path: "Sources/bench-cohort"),
        .executableTarget(name: "bench-batch", dependencies: [.product(name: "Batch", package: "onco"), .product(name: "Genomics", package: "onco"), .product(name: "Warehouse", package: "onco"), .product(name: "OncoCore", package: "onco"), .product(name: "Logging", package: "swift-log")], path: "Sources/bench-batch"),
    ]
)
