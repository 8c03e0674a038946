// swift-tools-version: 6.1
// SelfieModelKit: each user's own FLUX model on Replicate, as a reusable Swift library.

import PackageDescription

let package = Package(
    name: "SelfieModelKit",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SelfieModelKit", targets: ["SelfieModelKit"]),
        .library(name: "SelfieModelKitValidation", targets: ["SelfieModelKitValidation"]),
        .library(name: "SelfieModelKitSQLite", targets: ["SelfieModelKitSQLite"]),
        .library(name: "SelfieModelKitPostgres", targets: ["SelfieModelKitPostgres"]),
        .library(name: "SelfieModelKitTesting", targets: ["SelfieModelKitTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
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
        .target(
            name: "SelfieModelKitSQLite",
            dependencies: [
                "SelfieModelKit",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "SelfieModelKitPostgres",
            dependencies: [
                "SelfieModelKit",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SelfieModelKitTesting",
            dependencies: ["SelfieModelKit"]
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
        .executableTarget(
            name: "StoreBenchmark",
            dependencies: [
                "SelfieModelKitSQLite",
                "SelfieModelKitPostgres",
                "SelfieModelKitTesting",
                "PostgresTestServer",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Benchmarks/StoreBenchmark"
        ),
        .testTarget(
            name: "SelfieModelKitStoreTests",
            dependencies: [
                "SelfieModelKit",
                "SelfieModelKitTesting",
                "SelfieModelKitSQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Integration tests on a real PostgreSQL server (a throwaway one unless DATABASE_URL is set),
        // separate from the unit tests.
        .testTarget(
            name: "SelfieModelKitPostgresTests",
            dependencies: [
                "SelfieModelKit", "SelfieModelKitPostgres", "SelfieModelKitTesting", "PostgresTestServer",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "SelfieModelKitTests",
            dependencies: ["SelfieModelKit", "SelfieModelKitValidation"]
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
