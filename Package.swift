// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "wprescue",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "wprescue", targets: ["wprescue"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        // SHA-256 and HMAC (host key fingerprints, signed bisect looks) from a maintained library.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        // Reading WordPress's release archives (.zip, inflated by the system's zlib).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // C libraries, each behind a small Swift wrapper target.
        .systemLibrary(
            name: "CLibSSH2",
            pkgConfig: "libssh2",
            providers: [.apt(["libssh2-1-dev"])]
        ),
        .systemLibrary(
            name: "CMariaDB",
            pkgConfig: "libmariadb",
            providers: [.apt(["libmariadb-dev"])]
        ),

        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "CSystemShims"),

        // The core: speaks WordPress (site, plugin, theme, constant, journal), knows no terminal.
        .target(
            name: "WPRescueKit",
            dependencies: [
                "CSystemShims",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),

        // The site's database, through libmariadb.
        .target(name: "WPRescueDatabase", dependencies: ["CMariaDB", "WPRescueKit", "WPRescueSFTP"]),

        // HTTP for probes, through libcurl.
        .target(name: "WPRescueHTTP", dependencies: ["CCurl", "WPRescueKit"]),

        // Commands, one file each; everything a user sees is worded here.
        .target(
            name: "WPRescueCLI",
            dependencies: [
                "WPRescueKit",
                "WPRescueHTTP",
                "WPRescueSFTP",
                "WPRescueDatabase",
                // Only for the run-time library versions `--version --verbose` prints.
                "CLibSSH2", "CMariaDB", "CCurl",
                // Core dumps off at start.
                "CSystemShims",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "wprescue", dependencies: ["WPRescueCLI"]),
        // Benchmarks (figures in benchmarks/*.md).
        .executableTarget(name: "wprescue-bench", dependencies: ["WPRescueKit"]),
        .executableTarget(name: "wprescue-logbench", dependencies: ["WPRescueKit"]),

        // Sites reached over SSH: libssh2 behind a SiteFileSystem.
        .target(name: "WPRescueSFTP", dependencies: ["CLibSSH2", "WPRescueKit", .product(name: "Crypto", package: "swift-crypto")]),
        .executableTarget(name: "wprescue-sftpbench", dependencies: ["WPRescueSFTP"], path: "Sources/wprescue-sftpbench"),

        // Shared by the test targets: fixture sites, tree snapshots, running the built CLI.
        .target(name: "WPRescueTestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "WPRescueKitTests", dependencies: ["WPRescueKit", "WPRescueTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "IntegrationTests", dependencies: ["WPRescueKit", "WPRescueDatabase", "WPRescueTestSupport", "wprescue"]),
        .testTarget(name: "SFTPTests", dependencies: ["WPRescueSFTP", "WPRescueTestSupport"]),
        // The commands in-process: argument handling and the terminal, without a site or a subprocess.
        .testTarget(name: "WPRescueCLITests", dependencies: ["WPRescueCLI", "WPRescueKit"]),
    ],
    swiftLanguageModes: [.v6]
)
