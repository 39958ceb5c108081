// swift-tools-version:6.0
import PackageDescription

// The transport's and the hub's state is confined to the service thread; the debug builds the
// tests run keep the exclusivity checks, which cost 6% of the server's instructions per delivery
// in release (BENCHMARKS.md).
let serviceThreadSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "atelier",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "atelier", targets: ["atelier"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CJSONC",
            pkgConfig: "json-c",
            providers: [.apt(["libjson-c-dev"])]),
        .systemLibrary(
            name: "CWebSockets",
            pkgConfig: "libwebsockets",
            providers: [.apt(["libwebsockets-dev", "libev-dev", "libssl-dev"])]),
        .systemLibrary(
            name: "CQREncode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]),
        .target(name: "AtelierCore"),
        .target(name: "AtelierThreads"),
        .target(name: "AtelierWire", dependencies: ["AtelierCore", "CJSONC"]),
        .target(name: "AtelierProtocol", dependencies: ["AtelierCore", "AtelierWire"]),
        .target(
            name: "AtelierStore",
            dependencies: ["AtelierCore", "AtelierWire", .product(name: "GRDB", package: "GRDB.swift")]),
        // The only importer of libwebsockets and of the server's other C libraries (zlib, libqrencode, hiredis):
        // the server and the client transport, static files, hashing, the QR code's matrix and Redis.
        .target(
            name: "AtelierLWS",
            dependencies: [
                "AtelierThreads", "CWebSockets", "CQREncode", "CZlib", "CHiredis", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: serviceThreadSettings),
        .target(
            name: "AtelierServer",
            dependencies: [
                "AtelierCore", "AtelierWire", "AtelierProtocol", "AtelierStore", "AtelierThreads", "AtelierLWS",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: serviceThreadSettings),
        .target(
            name: "AtelierClient", dependencies: ["AtelierCore", "AtelierWire", "AtelierProtocol", "AtelierLWS"]),
        .target(name: "CBenchSystem"),
        .target(
            name: "AtelierBench",
            dependencies: ["CBenchSystem", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "AtelierConsole", dependencies: ["AtelierCore", "AtelierProtocol", "AtelierClient", "AtelierLWS"]),
        .target(name: "AtelierExport", dependencies: ["AtelierCore", "AtelierWire"]),
        .executableTarget(
            name: "atelier",
            dependencies: [
                "AtelierCore", "AtelierWire", "AtelierProtocol", "AtelierStore", "AtelierThreads", "AtelierServer", "AtelierExport",
                "AtelierClient", "AtelierConsole", "AtelierBench", "AtelierLWS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "AtelierFuzzing", dependencies: ["AtelierCore", "AtelierWire", "AtelierProtocol"]),
        .executableTarget(name: "atelier-fuzz-wire", dependencies: ["AtelierFuzzing"]),
        .executableTarget(name: "atelier-fuzz-workshop", dependencies: ["AtelierFuzzing"]),
        .executableTarget(
            name: "atelier-store-crash-writer",
            dependencies: ["AtelierStore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "AtelierCoreTests", dependencies: ["AtelierCore"]),
        .testTarget(
            name: "AtelierConsoleTests",
            dependencies: ["AtelierConsole", "AtelierClient", "AtelierCore", "AtelierWire", "AtelierProtocol"]),
        .testTarget(
            name: "AtelierExportTests",
            dependencies: [
                "AtelierExport", "AtelierCore", "AtelierWire", "AtelierStore", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Fixtures", "Golden"]),
        .testTarget(
            name: "AtelierStoreTests",
            dependencies: [
                "AtelierStore", "AtelierCore", "AtelierWire", "atelier-store-crash-writer",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        // Hand-made sockets the transport and server tests share.
        .target(name: "AtelierTestSupport", path: "Tests/AtelierTestSupport"),
        .testTarget(
            name: "AtelierTransportTests",
            dependencies: ["AtelierLWS", "AtelierThreads", "AtelierTestSupport", .product(name: "Logging", package: "swift-log")],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "AtelierServerTests",
            dependencies: [
                "AtelierServer", "AtelierClient", "AtelierCore", "AtelierWire", "AtelierProtocol", "AtelierStore", "AtelierTestSupport",
                "AtelierBench", "AtelierLWS", "atelier", .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "AtelierWorkshopTests", dependencies: ["AtelierWire", "AtelierCore"]),
        .testTarget(name: "AtelierWireTests", dependencies: ["AtelierWire", "AtelierProtocol", "AtelierFuzzing"]),
        .testTarget(name: "AtelierProtocolTests", dependencies: ["AtelierProtocol", "AtelierCore", "AtelierWire"]),
    ]
)
