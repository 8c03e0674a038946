// swift-tools-version: 6.1
// SelfieModelKit: each user's own FLUX model on Replicate, as a reusable Swift library.

import PackageDescription

let package = Package(
    name: "SelfieModelKit",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SelfieModelKit", targets: ["SelfieModelKit"]),
        .library(name: "SelfieModelKitValidation", targets: ["SelfieModelKitValidation"]),
        .library(name: "SelfieModelKitTesting", targets: ["SelfieModelKitTesting"]),
        .executable(name: "selfie-sim", targets: ["selfie-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .target(
            name: "SelfieModelKit",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SelfieModelKitValidation",
            dependencies: ["SelfieModelKit"]
        ),
        .testTarget(
            name: "SelfieModelKitTests",
            dependencies: ["SelfieModelKit", "SelfieModelKitValidation"]
        ),
        .target(
            name: "SelfieModelKitTesting",
            dependencies: [
                "SelfieModelKit",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .executableTarget(
            name: "selfie-sim",
            dependencies: [
                "SelfieModelKit",
                "SelfieModelKitTesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "SimulatorBenchmark",
            dependencies: [
                "SelfieModelKit",
                "SelfieModelKitTesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Benchmarks/SimulatorBenchmark"
        ),
        .testTarget(
            name: "SelfieModelKitTestingTests",
            dependencies: [
                "SelfieModelKit",
                "SelfieModelKitTesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .testTarget(
            name: "SimulatorConformanceTests",
            dependencies: ["SelfieModelKitTesting"],
            resources: [.copy("Resources")]
        ),
    ]
)

// Strict settings for every target, in one place (as swift-log does).
for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    // Every public type says whether it is Sendable.
    settings.append(.unsafeFlags(["-Xfrontend", "-require-explicit-sendable"]))
    target.swiftSettings = settings
}
