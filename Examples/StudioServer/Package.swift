// swift-tools-version: 6.2
// StudioServer: an SSELFIE backend on Hummingbird 2 that uses SelfieModelKit, as a library user would.

import PackageDescription

let package = Package(
    name: "StudioServer",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "studio-server", targets: ["studio-server"])
    ],
    dependencies: [
        .package(name: "SelfieModelKit", path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .target(
            name: "StudioServer",
            dependencies: [
                .product(name: "SelfieModelKit", package: "SelfieModelKit"),
                .product(name: "SelfieModelKitValidation", package: "SelfieModelKit"),
                .product(name: "SelfieModelKitReplicate", package: "SelfieModelKit"),
                .product(name: "SelfieModelKitServices", package: "SelfieModelKit"),
                .product(name: "SelfieModelKitSQLite", package: "SelfieModelKit"),
                .product(name: "SelfieModelKitPostgres", package: "SelfieModelKit"),
                .product(name: "SelfieModelKitTesting", package: "SelfieModelKit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .executableTarget(
            name: "studio-server",
            dependencies: [
                "StudioServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "StudioServerTests",
            dependencies: [
                "StudioServer",
                .product(name: "SelfieModelKit", package: "SelfieModelKit"),
                .product(name: "SelfieModelKitServices", package: "SelfieModelKit"),
                .product(name: "SelfieModelKitTesting", package: "SelfieModelKit"),
                .product(name: "SelfieModelKitPostgres", package: "SelfieModelKit"),
                .product(name: "SelfieModelKitPostgresTesting", package: "SelfieModelKit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
