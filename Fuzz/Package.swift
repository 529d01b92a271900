// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for the parser that reads attacker-controlled bytes. Kept out of the main
// package so normal builds never need the sanitizer runtime. Run: Fuzz/run [SECONDS]
let package = Package(
    name: "secrets-fuzz",
    dependencies: [.package(name: "secrets", path: "..")],
    targets: [
        .executableTarget(
            name: "FuzzSealedFile",
            dependencies: [.product(name: "Envelope", package: "secrets")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ]
)
