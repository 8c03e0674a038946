// swift-tools-version: 6.2
// TestingYourService: how a SelfieModelKit user tests their own code offline, with SelfieModelKitTesting.

import PackageDescription

let package = Package(
    name: "TestingYourService",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "PortraitService", targets: ["PortraitService"])
    ],
    dependencies: [
        .package(name: "SelfieModelKit", path: "../.."),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // The host's own code: it imports the services, never the testing module.
        .target(
            name: "PortraitService",
            dependencies: [
                .product(name: "SelfieModelKit", package: "SelfieModelKit"),
                .product(name: "SelfieModelKitServices", package: "SelfieModelKit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Its tests: the simulator, the in-memory stores and fault injection come from SelfieModelKitTesting.
        .testTarget(
            name: "PortraitServiceTests",
            dependencies: [
                "PortraitService",
                .product(name: "SelfieModelKit", package: "SelfieModelKit"),
                .product(name: "SelfieModelKitReplicate", package: "SelfieModelKit"),
                .product(name: "SelfieModelKitServices", package: "SelfieModelKit"),
                .product(name: "SelfieModelKitTesting", package: "SelfieModelKit"),
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
