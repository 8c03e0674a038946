// swift-tools-version: 6.2
// SelfieModelKit: each user's own FLUX model on Replicate, as a reusable Swift library.

import Foundation
import PackageDescription

let package = Package(
    name: "SelfieModelKit",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SelfieModelKit", targets: ["SelfieModelKit"]),
        .library(name: "SelfieModelKitValidation", targets: ["SelfieModelKitValidation"]),
        .library(name: "SelfieModelKitServices", targets: ["SelfieModelKitServices"]),
        .library(name: "SelfieModelKitSQLite", targets: ["SelfieModelKitSQLite"]),
        .library(name: "SelfieModelKitPostgres", targets: ["SelfieModelKitPostgres"]),
        .library(name: "SelfieModelKitPostgresTesting", targets: ["SelfieModelKitPostgresTesting"]),
        .library(name: "SelfieModelKitTesting", targets: ["SelfieModelKitTesting"]),
        .library(name: "SelfieModelKitReplicate", targets: ["SelfieModelKitReplicate"]),
        .library(name: "SelfieModelKitAsyncHTTPClient", targets: ["SelfieModelKitAsyncHTTPClient"]),
        .executable(name: "selfie-sim", targets: ["selfie-sim"]),
        .executable(name: "selfie-studio", targets: ["selfie-studio"]),
        .executable(name: "selfie-fleet", targets: ["selfie-fleet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.5.0"),
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
            name: "SelfieModelKitServices",
            dependencies: [
                "SelfieModelKitReplicate",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                "SelfieModelKit",
                "SelfieModelKitValidation",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            resources: [.copy("Photoshoot/Resources/photoshoot-catalog.v1.json")]
        ),
        .target(
            name: "SelfieModelKitSQLite",
            dependencies: [
                "SelfieModelKit",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
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
            name: "selfie-studio",
            dependencies: [
                "SelfieModelKitServices",
                "SelfieModelKitSQLite",
                "SelfieModelKitPostgres",
                "SelfieModelKitTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/SelfieStudio"
        ),
        // 1,000 users on several host processes sharing one PostgreSQL, against selfie-sim over HTTP, checked.
        .executableTarget(
            name: "selfie-fleet",
            dependencies: [
                "selfie-sim",
                "SelfieModelKit",
                "SelfieModelKitServices",
                "SelfieModelKitPostgres",
                "SelfieModelKitPostgresTesting",
                "SelfieModelKitAsyncHTTPClient",
                "SelfieModelKitReplicate",
                "SelfieModelKitValidation",
                "SelfieModelKitTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/SelfieFleet"
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
        .target(
            name: "SelfieModelKitPostgres",
            dependencies: [
                "SelfieModelKit",
                "SelfieModelKitReplicate",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A throwaway PostgreSQL server from the machine's binaries (or DATABASE_URL's), for tests against a
        // real PostgreSQL: the root's, the benchmark's, the example packages' and library users'.
        .target(
            name: "SelfieModelKitPostgresTesting",
            dependencies: [
                "SelfieModelKitPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "StoreBenchmark",
            dependencies: [
                "SelfieModelKitSQLite",
                "SelfieModelKitPostgres",
                "SelfieModelKitReplicate",
                "SelfieModelKitTesting",
                "SelfieModelKitPostgresTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Benchmarks/StoreBenchmark"
        ),
        // Integration tests on a real PostgreSQL server (a throwaway one unless DATABASE_URL is set).
        .testTarget(
            name: "SelfieModelKitPostgresTests",
            dependencies: [
                "SelfieModelKit", "SelfieModelKitPostgres", "SelfieModelKitReplicate", "SelfieModelKitTesting",
                "SelfieModelKitPostgresTesting",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
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
        .target(
            name: "SelfieModelKitReplicate",
            dependencies: [
                "SelfieModelKit",
                "SelfieModelKitValidation",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "SelfieModelKitAsyncHTTPClient",
            dependencies: [
                "SelfieModelKit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "replicate-benchmarks",
            dependencies: [
                "SelfieModelKitReplicate",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/ReplicateBenchmarks"
        ),
        // Peak memory of a ~90 MB upload, from memory and streamed from its file (Linux).
        .executableTarget(
            name: "UploadBenchmark",
            dependencies: ["SelfieModelKit", "SelfieModelKitReplicate"],
            path: "Benchmarks/UploadBenchmark"
        ),
        // Create-and-wait throughput and memory of the library (both transports) against Replicate's
        // official Python client, on the same selfie-sim (Linux). async-http-client stays in this target
        // (besides the transport's own target and its tests).
        .executableTarget(
            name: "client-comparison",
            dependencies: [
                "SelfieModelKit",
                "SelfieModelKitValidation",
                "SelfieModelKitReplicate",
                "SelfieModelKitAsyncHTTPClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Benchmarks/ClientComparison",
            exclude: ["python"]
        ),
        .testTarget(
            name: "SelfieModelKitReplicateTests",
            dependencies: [
                "SelfieModelKitReplicate",
                "SelfieModelKitTesting",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "SelfieModelKitAsyncHTTPClientTests",
            dependencies: [
                "SelfieModelKitAsyncHTTPClient",
                "SelfieModelKitReplicate",
                "SelfieModelKitValidation",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "SelfieModelKitTests",
            dependencies: ["SelfieModelKit", "SelfieModelKitValidation"]
        ),
        .testTarget(
            name: "SelfieModelKitValidationTests",
            dependencies: ["SelfieModelKitValidation"]
        ),
        .testTarget(
            name: "SelfieModelKitTransportTests",
            dependencies: [
                "SelfieModelKit",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "SelfieModelKitServicesTests",
            dependencies: [
                "SelfieModelKitServices",
                "SelfieModelKitReplicate",
                "SelfieModelKitValidation",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "SelfieModelKitServicesIntegrationTests",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                "SelfieModelKit",
                "SelfieModelKitPostgres",
                "SelfieModelKitPostgresTesting",
                "SelfieModelKitSQLite",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "SelfieModelKitServices",
                "SelfieModelKitTesting",
                "SelfieModelKitValidation",
                "SelfieModelKitReplicate",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .testTarget(
            name: "SelfieModelKitValidationPhotoTests",
            dependencies: ["SelfieModelKit", "SelfieModelKitValidation"]
        ),
        .testTarget(
            name: "SelfieStudioDemoTests",
            dependencies: [
                "selfie-studio", "selfie-sim", "SelfieModelKitValidation", "SelfieModelKitTesting",
                "SelfieModelKitPostgresTesting", .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // The fleet's short form (50 users, 2 host processes) and a broken run its checks must catch.
        .testTarget(
            name: "SelfieFleetTests",
            dependencies: ["selfie-fleet"]
        ),
        .testTarget(
            name: "SelfieModelKitCompileFailTests",
            dependencies: ["SelfieModelKitValidation"]
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
    // CI sets SELFIEMODELKIT_WARNINGS_AS_ERRORS=1: our own targets must build without a warning.
    if ProcessInfo.processInfo.environment["SELFIEMODELKIT_WARNINGS_AS_ERRORS"] != nil {
        settings.append(.treatAllWarnings(as: .error))
    }
    target.swiftSettings = settings
}
