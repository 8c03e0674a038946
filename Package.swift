// swift-tools-version: 6.1
// SelfieModelKit: each user's own FLUX model on Replicate, as a reusable Swift library.

import PackageDescription

let package = Package(
    name: "SelfieModelKit",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SelfieModelKit", targets: ["SelfieModelKit"]),
        .library(name: "SelfieModelKitValidation", targets: ["SelfieModelKitValidation"]),
        .library(name: "SelfieModelKitPostgres", targets: ["SelfieModelKitPostgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
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
            name: "SelfieModelKitPostgres",
            dependencies: [
                "SelfieModelKit",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A throwaway PostgreSQL server from the machine's binaries, for the PostgreSQL tests and the
        // benchmark; not a product.
        .target(
            name: "PostgresTestServer",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/PostgresTestServer"
        ),
        .testTarget(
            name: "SelfieModelKitPostgresTests",
            dependencies: [
                "SelfieModelKit", "SelfieModelKitPostgres", "PostgresTestServer",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .executableTarget(
            name: "StoreBenchmark",
            dependencies: [
                "SelfieModelKit", "SelfieModelKitPostgres", "PostgresTestServer",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Benchmarks/StoreBenchmark"
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
