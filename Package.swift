// swift-tools-version:6.0
import PackageDescription

// Arrows point down only: CLI -> Core -> {Mirror -> Envelope -> CryptoPrimitives, GitRepository}.
// Each C library is reached through exactly one wrapper target (see STYLE.md).
let package = Package(
    name: "secrets",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "secrets", targets: ["SecretsCLI"]),
        // For the separate fuzzing package in Fuzz/ only.
        .library(name: "Envelope", targets: ["Envelope", "CryptoPrimitives"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl",
                       providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]),
        .systemLibrary(name: "CGit2", pkgConfig: "libgit2",
                       providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]),

        .target(name: "CryptoPrimitives", dependencies: ["COpenSSL"]),
        .target(name: "Files"),
        .target(name: "Envelope", dependencies: ["CryptoPrimitives"]),
        .target(name: "LocalKeyProvider", dependencies: ["Envelope", "CryptoPrimitives", "Files"]),
        .target(name: "GitRepository", dependencies: ["CGit2"]),
        .target(name: "Mirror", dependencies: ["Envelope", "CryptoPrimitives"]),
        .target(name: "LeakDetection"),
        .target(name: "SigV4", dependencies: ["CryptoPrimitives"]),
        .target(name: "HTTPTransport", dependencies: ["CCurl"]),
        .target(name: "KMS", dependencies: ["SigV4", "HTTPTransport", "CryptoPrimitives"]),
        .target(name: "SecretsCore", dependencies: [
            "Envelope", "CryptoPrimitives", "LocalKeyProvider", "GitRepository", "Mirror", "Files", "LeakDetection", "KMS",
        ]),
        .executableTarget(name: "SecretsCLI", dependencies: [
            "SecretsCore",
            "Mirror", "KMS",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "SecretsTestSupport", dependencies: ["SecretsCore"]),

        .testTarget(name: "CryptoPrimitivesTests", dependencies: ["CryptoPrimitives"]),
        .testTarget(name: "EnvelopeTests", dependencies: ["Envelope", "CryptoPrimitives"],
                    resources: [.copy("Vectors")]),
        .testTarget(name: "LocalKeyProviderTests", dependencies: ["LocalKeyProvider", "SecretsTestSupport"]),
        .testTarget(name: "MirrorTests", dependencies: ["Mirror"]),
        .testTarget(name: "LeakDetectionTests", dependencies: ["LeakDetection"]),
        .testTarget(name: "KMSTests", dependencies: ["KMS", "HTTPTransport", "CryptoPrimitives"]),
        .testTarget(name: "SigV4Tests", dependencies: ["SigV4", "CryptoPrimitives"], exclude: ["aws-sigv4-test-suite"]),
        .testTarget(name: "FilesTests", dependencies: ["Files", "SecretsTestSupport"]),
        .testTarget(name: "SecretsCoreTests", dependencies: ["SecretsCore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["SecretsTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
