// swift-tools-version: 6.1
// onco: precision-oncology engine. See ARCHITECTURE.md for the module map.
import PackageDescription

let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "onco",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "onco", targets: ["onco"]),
        // Library products so that Benchmarks/ (its own package) can link the modules directly.
        .library(name: "OncoCore", targets: ["OncoCore"]),
        .library(name: "Genomics", targets: ["Genomics"]),
        .library(name: "Survival", targets: ["Survival"]),
        .library(name: "SurvivalInput", targets: ["SurvivalInput"]),
        .library(name: "Vocabulary", targets: ["Vocabulary"]),
        .library(name: "Knowledge", targets: ["Knowledge"]),
        .library(name: "Warehouse", targets: ["Warehouse"]),
        .library(name: "WarehousePostgres", targets: ["WarehousePostgres"]),
        .library(name: "Similarity", targets: ["Similarity"]),
        .library(name: "TargetTrial", targets: ["TargetTrial"]),
        .library(name: "Recommendation", targets: ["Recommendation"]),
        .library(name: "Reports", targets: ["Reports"]),
        .library(name: "CohortStudy", targets: ["CohortStudy"]),
        .library(name: "Batch", targets: ["Batch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Shared nouns: variants, builds, pseudonymous keys, disclosure control. No dependencies.
        .target(name: "OncoCore", swiftSettings: settings),

        // htslib (Debian libhts-dev) plus a header-only shim for its macros and inline functions.
        .systemLibrary(
            name: "CHTSlib",
            pkgConfig: "htslib",
            providers: [.apt(["libhts-dev", "zlib1g-dev"])]
        ),

        // VCF/BCF/BAM/MAF reading, normalisation, CSQ/ANN, TMB.
        .target(name: "Genomics", dependencies: ["OncoCore", "CHTSlib"], swiftSettings: settings),

        // Kaplan-Meier, log-rank, Cox. Pure maths, no I/O, no dependencies.
        .target(name: "Survival", swiftSettings: settings),

        // Survival tables from CSV/TSV files: complete rows, time/event/covariate columns (the reader is OncoCore's).
        .target(name: "SurvivalInput", dependencies: ["OncoCore", "Survival"], swiftSettings: settings),

        // The one reference vocabulary: drug names (salt forms, synonyms), drug classes, the OncoTree tumour-type tree, the oncogenic pathways.
        .target(name: "Vocabulary", dependencies: ["OncoCore"],
                // The tables the embedded Swift literals are generated from (scripts/generate-embedded-data.py) and their sources.
                exclude: ["Data/SOURCE.md", "Data/oncogenic_sig_pathways.tsv"], swiftSettings: settings),

        // CIViC / OncoTree / Disease Ontology, biomarker rules, matching, tiers.
        .target(name: "Knowledge", dependencies: ["OncoCore", "Vocabulary"], swiftSettings: settings),

        // OMOP-shaped warehouse: schema, the Warehouse type over the SQLBackend seam, the SQLite backend, importers, synth (Survival: Cox for the planted truth), governance.
        .target(
            name: "Warehouse",
            dependencies: [
                "OncoCore", "Genomics", "Survival", "Vocabulary",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),

        // The PostgreSQL SQLBackend (postgres-nio) and Warehouse.openPostgres / Warehouse.open(db:), through Warehouse's public API only.
        .target(
            name: "WarehousePostgres",
            dependencies: [
                "OncoCore", "Warehouse",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),

        // Patient profiles, exact top-k similarity search, explanations; the warehouse's index.
        .target(
            name: "Similarity",
            dependencies: ["OncoCore", "Vocabulary", "Warehouse", .product(name: "Logging", package: "swift-log")],
            // The tables EmbeddedData.swift is generated from (scripts/generate-embedded-data.py) and their sources.
            exclude: ["Data/SOURCE.md", "Data/cancer_hotspot_residues.tsv"],
            swiftSettings: settings
        ),

        // The real-world comparison as an emulated target trial: eligibility at time zero, propensity weights,
        // balance, positivity, weighted KM/Cox with cluster-robust variance, RMST, E-value.
        .target(name: "TargetTrial", dependencies: ["OncoCore", "Survival", "Warehouse", "Vocabulary"], swiftSettings: settings),

        // Candidate therapies, evidence merge, real-world evidence, ranking and trace.
        .target(
            name: "Recommendation",
            dependencies: ["OncoCore", "Genomics", "Knowledge", "Warehouse", "Similarity", "Survival", "TargetTrial", "Vocabulary",
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: settings
        ),

        // Cohort outcome studies: definitions, groups, endpoints, analyses; the cohort report (the model, disclosure
        // applied), the target-trial section and the published Kaplan–Meier curves. Rendering is Reports'.
        .target(
            name: "CohortStudy",
            dependencies: [
                "OncoCore", "Warehouse", "Survival", "TargetTrial", "Vocabulary",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),

        // Renderers: terminal table, Markdown, HTML with SVG plots, JSON, of the tumour-board report (Recommendation),
        // the cohort report (CohortStudy) and the survival command's results.
        .target(name: "Reports", dependencies: ["OncoCore", "Genomics", "Knowledge", "Survival", "SurvivalInput", "Recommendation", "TargetTrial",
                                                "CohortStudy"], swiftSettings: settings),

        // Batch scoring: manifests, parallel streaming engine, resume, shards and merge; the recommendation and file-check scorers.
        .target(
            name: "Batch",
            dependencies: [
                "OncoCore", "Genomics", "Knowledge", "Warehouse", "Recommendation", "Reports",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),

        // The CLI. Thin: parsing, progress, exit codes.
        .executableTarget(
            name: "onco",
            dependencies: [
                "OncoCore", "Genomics", "Survival", "SurvivalInput", "Vocabulary", "Knowledge", "Warehouse", "WarehousePostgres",
                "Similarity", "Recommendation", "Reports", "CohortStudy", "Batch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),

        // Test helpers: isClose, SeededGenerator, fixture paths, running the built CLI.
        .target(name: "_TestSupport", path: "Tests/_TestSupport", swiftSettings: settings),

        .testTarget(name: "OncoCoreTests", dependencies: ["OncoCore", "_TestSupport"], swiftSettings: settings),
        .testTarget(name: "GenomicsTests", dependencies: ["Genomics", "OncoCore", "_TestSupport"], swiftSettings: settings),
        .testTarget(name: "SurvivalTests", dependencies: ["Survival", "SurvivalInput", "OncoCore", "_TestSupport"], swiftSettings: settings),
        .testTarget(name: "VocabularyTests", dependencies: ["Vocabulary", "OncoCore", "_TestSupport"], swiftSettings: settings),
        .testTarget(name: "KnowledgeTests", dependencies: ["Knowledge", "Vocabulary", "Genomics", "OncoCore", "_TestSupport"], swiftSettings: settings),
        .testTarget(name: "WarehouseTests", dependencies: ["Warehouse", "WarehousePostgres", "Genomics", "Survival", "OncoCore", "_TestSupport"], swiftSettings: settings),
        .testTarget(name: "SimilarityTests", dependencies: ["Similarity", "Vocabulary", "Warehouse", "WarehousePostgres", "OncoCore", "_TestSupport", .product(name: "Logging", package: "swift-log")], swiftSettings: settings),
        .testTarget(name: "TargetTrialTests", dependencies: ["TargetTrial", "Survival", "Warehouse", "OncoCore", "_TestSupport"], swiftSettings: settings),
        .testTarget(name: "RecommendationTests", dependencies: ["Recommendation", "Reports", "Knowledge", "Warehouse", "Genomics", "OncoCore", "_TestSupport", .product(name: "Logging", package: "swift-log")], swiftSettings: settings),
        .testTarget(name: "CohortStudyTests", dependencies: ["CohortStudy", "TargetTrial", "Vocabulary", "Warehouse", "WarehousePostgres", "Survival", "Reports", "OncoCore", "_TestSupport", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log")], swiftSettings: settings),
        .testTarget(name: "BatchTests", dependencies: ["Batch", "Genomics", "OncoCore", "Knowledge", "Warehouse", "Similarity", "Recommendation", "_TestSupport", .product(name: "Logging", package: "swift-log")], swiftSettings: settings),
        .testTarget(name: "CLITests", dependencies: ["OncoCore", "_TestSupport"], swiftSettings: settings),
    ]
)
