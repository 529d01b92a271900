import XCTest
import Foundation
import CryptoPrimitives
import Envelope
import SecretsTestSupport
@testable import LocalKeyProvider

final class LocalKeyProviderTests: XCTestCase {
    let context = ["secrets:repo": "00112233445566778899aabbccddeeff"]

    private func bytes(_ s: SecureBytes) -> [UInt8] { s.withUnsafeBytes { Array($0) } }

    func testGenerateCreatesPrivateMasterKeyAndUnwrapRoundTrips() throws {
        let home = try TemporaryDirectory()
        let provider = try LocalKeyProvider(name: "team", environment: ["SECRETS_HOME": home.path])
        let generated = try provider.generateDataKey(context: context)
        XCTAssertEqual(generated.wrapped.count, 64)
        XCTAssertEqual(generated.keyId, "local:team")
        XCTAssertEqual(try home.mode("keys/team.key"), 0o600)
        XCTAssertEqual(try home.mode("keys"), 0o700)
        XCTAssertEqual(try home.mode("."), 0o700)
        XCTAssertEqual(try home.bytes("keys/team.key").count, 32)
        XCTAssertEqual(bytes(try provider.unwrap(generated.wrapped, context: context)), bytes(generated.plaintext))
        // A second key from the same master key differs.
        XCTAssertNotEqual(bytes(try provider.generateDataKey(context: context).plaintext), bytes(generated.plaintext))
    }

    func testContextIsBoundLikeKMS() throws {
        let home = try TemporaryDirectory()
        let provider = try LocalKeyProvider(name: "team", environment: ["SECRETS_HOME": home.path])
        let generated = try provider.generateDataKey(context: context)
        for other in [[:], ["secrets:repo": "ff"], context.merging(["extra": "1"]) { a, _ in a }] {
            XCTAssertThrowsError(try provider.unwrap(generated.wrapped, context: other)) {
                XCTAssertEqual($0 as? LocalKeyError, .unwrapFailed(path: provider.masterKeyPath))
            }
        }
    }

    func testMissingAndWrongMasterKey() throws {
        let home = try TemporaryDirectory()
        let other = try TemporaryDirectory()
        let provider = try LocalKeyProvider(name: "team", environment: ["SECRETS_HOME": home.path])
        let generated = try provider.generateDataKey(context: context)
        let elsewhere = try LocalKeyProvider(name: "team", environment: ["SECRETS_HOME": other.path])
        XCTAssertThrowsError(try elsewhere.unwrap(generated.wrapped, context: context)) {
            XCTAssertEqual($0 as? LocalKeyError, .masterKeyMissing(path: elsewhere.masterKeyPath))
        }
        XCTAssertFalse(other.exists("keys/team.key"), "unwrap must never create a master key")
        _ = try elsewhere.generateDataKey(context: context)
        XCTAssertThrowsError(try elsewhere.unwrap(generated.wrapped, context: context)) {
            XCTAssertEqual($0 as? LocalKeyError, .unwrapFailed(path: elsewhere.masterKeyPath))
        }
    }

    func testExposedOrMalformedMasterKeyIsRefused() throws {
        let home = try TemporaryDirectory()
        let provider = try LocalKeyProvider(name: "k", environment: ["SECRETS_HOME": home.path])
        let generated = try provider.generateDataKey(context: context)
        chmod(provider.masterKeyPath, 0o644)
        XCTAssertThrowsError(try provider.unwrap(generated.wrapped, context: context)) {
            XCTAssertEqual($0 as? LocalKeyError, .masterKeyExposed(path: provider.masterKeyPath, mode: 0o644))
        }
        try home.write("keys/k.key", "short")
        chmod(provider.masterKeyPath, 0o600)
        XCTAssertThrowsError(try provider.unwrap(generated.wrapped, context: context)) {
            XCTAssertEqual($0 as? LocalKeyError, .masterKeyMalformed(path: provider.masterKeyPath, size: 5))
        }
        XCTAssertThrowsError(try provider.unwrap(Array(generated.wrapped.dropLast()), context: context)) {
            XCTAssertEqual($0 as? LocalKeyError, .wrappedKeyMalformed)
        }
    }

    func testNamesAndConfigDirectory() {
        for bad in ["", ".hidden", "a/b", "../x", String(repeating: "a", count: 65), "sp ace"] {
            XCTAssertThrowsError(try LocalKeyProvider(name: bad, environment: ["HOME": "/h"]), bad)
        }
        XCTAssertEqual(LocalKeyProvider.configDirectory(environment: ["SECRETS_HOME": "/s", "XDG_CONFIG_HOME": "/x", "HOME": "/h"]), "/s")
        XCTAssertEqual(LocalKeyProvider.configDirectory(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]), "/x/secrets")
        XCTAssertEqual(LocalKeyProvider.configDirectory(environment: ["HOME": "/h"]), "/h/.config/secrets")
        XCTAssertNil(LocalKeyProvider.configDirectory(environment: [:]))
    }
}
