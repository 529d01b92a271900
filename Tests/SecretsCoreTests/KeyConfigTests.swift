import XCTest
@testable import SecretsCore

final class KeyConfigTests: XCTestCase {
    let valid = """
    {"version": 1, "format": 1, "provider": "local", "keyId": "local:team", "repoId": "00112233445566778899aabbccddeeff",
     "encryptionContext": {"secrets:repo": "00112233445566778899aabbccddeeff"}, "createdAt": "2026-01-01T00:00:00Z",
     "someFutureField": true}
    """

    private func decode(_ text: String) throws -> KeyConfig { try KeyConfig.decode(Array(text.utf8), path: ".key/config.json") }

    private func assertRefused(_ text: String, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try decode(text), file: file, line: line) { error in
            let e = error as? SecretsError
            XCTAssertEqual(e?.category, .config, file: file, line: line)
            XCTAssertTrue(e?.message.contains(fragment) == true, "\(e?.message ?? "") lacks \(fragment)", file: file, line: line)
        }
    }

    func testValidConfigIgnoresUnknownMembersAndRoundTrips() throws {
        let config = try decode(valid)
        XCTAssertEqual(config.repoIdBytes?.count, 16)
        XCTAssertEqual(try KeyConfig.decode(try config.encoded(), path: "x"), config)
        XCTAssertEqual(try config.encoded().last, 0x0A, "a trailing newline keeps diffs clean")
    }

    func testEveryMalformationIsItsOwnMessage() {
        assertRefused("[1, 2]", "missing integer \"version\"")
        assertRefused("{ nope", "not valid JSON")
        assertRefused(valid.replacingOccurrences(of: "\"version\": 1", with: "\"version\": 7"), "version 7 was written by a newer secrets")
        assertRefused(valid.replacingOccurrences(of: "\"format\": 1", with: "\"format\": 2"), "sealed-file format 2 is not supported")
        assertRefused(valid.replacingOccurrences(of: "\"keyId\": \"local:team\", ", with: ""), "missing \"keyId\"")
        assertRefused(valid.replacingOccurrences(of: "\"repoId\": \"00112233445566778899aabbccddeeff\"", with: "\"repoId\": \"xyz\""), "32 hex digits")
        assertRefused(valid.replacingOccurrences(of: "{\"secrets:repo\": \"00112233445566778899aabbccddeeff\"}", with: "{}"), "must equal repoId")
        assertRefused(valid.replacingOccurrences(of: "\"version\": 1", with: "\"version\": \"1\""), "missing integer \"version\"")
    }
}
