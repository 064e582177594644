// swift-tools-version: 6.1
// onco fuzzing: libFuzzer targets for onco's own readers, a separate package (like Benchmarks/) so that
// fuzz-only code never touches the main build. Build and run with scripts/fuzz.sh, which passes
// `--sanitize=fuzzer --sanitize=address` so that every onco module is coverage-instrumented too.
// FuzzSupport defines `LLVMFuzzerTestOneInput` for all; each executable defines only its harness
// (`onco_fuzz_harness`) and no `main` (libFuzzer brings its own), hence `-parse-as-library`. See README.md.
import PackageDescription

let harness: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: "fuzz-\(name)",
        dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: "onco") },
        path: "Sources/fuzz-\(name)",
        swiftSettings: harness
    )
}

let package = Package(
    name: "onco-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "onco", path: ".."),
    ],
    targets: [
        // libFuzzer's entry point; writing the input to a private temporary file or folder, splitting
        // multi-file inputs; the VCF walk shared by the plain and BGZF targets.
        .target(name: "FuzzSupport", dependencies: [.product(name: "Genomics", package: "onco")], path: "Sources/FuzzSupport"),
        fuzzTarget("vcf", ["Genomics", "OncoCore"]),
        fuzzTarget("vcf-bgzf", ["Genomics", "OncoCore"]),
        fuzzTarget("csq", ["Genomics", "OncoCore"]),
        fuzzTarget("maf", ["Genomics", "OncoCore"]),
        fuzzTarget("case-files", ["Genomics", "OncoCore"]),
        fuzzTarget("cbioportal", ["Warehouse", "Genomics", "OncoCore"]),
        fuzzTarget("omop-csv", ["Warehouse", "OncoCore"]),
        fuzzTarget("cohort-definition", ["CohortStudy"]),
        fuzzTarget("survival-csv", ["SurvivalInput", "OncoCore"]),
    ]
)
