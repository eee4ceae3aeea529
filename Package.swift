// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "synergy",
    products: [
        .executable(name: "synergy", targets: ["synergy"]),
        .library(name: "SynergyKit", targets: ["SynergyKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        // `swift package generate-documentation` (Scripts/docs.sh) builds the DocC catalogue
        // Sources/SynergyKit/SynergyKit.docc; no target depends on it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLinearAlgebra",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev", "pkg-config"])]
        ),
        // Hand-vectorised solver kernels (C, so that an AVX2/FMA version is chosen at run time).
        .target(name: "CSolverKernels"),
        .target(
            name: "SynergyKit",
            dependencies: [
                "CLinearAlgebra",
                "CSolverKernels",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Factorization/README.md", "IO/README.md", "LinearAlgebra/README.md",
                      "Report/README.md", "Selection/README.md", "Signal/README.md",
                      "Simulation/README.md", "Comparison/README.md", "Cohort/README.md",
                      "Bootstrap/README.md"]
        ),
        .executableTarget(
            name: "synergy",
            dependencies: [
                "SynergyKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "SynergyKitTests",
            dependencies: ["SynergyKit", "CSolverKernels"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "SynergyCLITests",
            dependencies: ["synergy"]
        ),
    ]
)

// libFuzzer targets for the readers (Scripts/fuzz.sh), one binary whose
// SYNERGY_FUZZ_TARGET environment variable chooses the reader. It exists only
// when SYNERGY_FUZZ=1, as it builds only with --sanitize=fuzzer, which supplies main.
if Context.environment["SYNERGY_FUZZ"] == "1" {
    package.targets.append(.target(name: "FuzzSupport", dependencies: ["SynergyKit"], path: "Fuzz/Support"))
    package.targets.append(.executableTarget(name: "FuzzReaders", dependencies: ["FuzzSupport", "SynergyKit"],
                                             path: "Fuzz/Readers"))
}
