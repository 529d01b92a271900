import XCTest
@testable import LeakDetection

final class SecretValuesTests: XCTestCase {
    private func strings(_ s: [[UInt8]]) -> Set<String> { Set(s.map { String(decoding: $0, as: UTF8.self) }) }

    func testCandidatesFromTypicalSecretFiles() {
        let json = """
        {
          "database": {
            "host": "db.internal.example.com",
            "port": 5432,
            "password": "Xq7-vR2p!mL9#tW4-demo"
          },
          "stripe_secret_key": "sk_test_51DemoOnlyNotARealKey0000000000",
          "debug": true
        }
        """
        let found = strings(SecretValues.candidates(in: Array(json.utf8), minLength: 8))
        XCTAssertTrue(found.contains("Xq7-vR2p!mL9#tW4-demo"))
        XCTAssertTrue(found.contains("sk_test_51DemoOnlyNotARealKey0000000000"))
        XCTAssertFalse(found.contains("db.internal.example.com"), "host names are not secrets")
        XCTAssertFalse(found.contains("5432"))

        let env = "# comment=ignored-value-here\nexport API_TOKEN=tok_demo_4f9a1c2e8b7d6a5f\nSMTP_PASSWORD='short'\nDEBUG=true\nPASSWORD=changeme\n"
        let envFound = strings(SecretValues.candidates(in: Array(env.utf8), minLength: 8))
        XCTAssertEqual(envFound, ["tok_demo_4f9a1c2e8b7d6a5f"])

        let pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n"
        XCTAssertTrue(strings(SecretValues.candidates(in: Array(pem.utf8), minLength: 8)).contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"))
    }

    func testMinifiedJSON() {
        let json = #"{"database": {"host": "db.internal.example.com", "password": "Xq7-vR2p!mL9#tW4-demo"}}"#
        XCTAssertEqual(strings(SecretValues.candidates(in: Array(json.utf8), minLength: 8)), ["Xq7-vR2p!mL9#tW4-demo"])
    }

    func testTokensFindCopiedValuesInCode() {
        let code = """
        conn = connect(host="db", password="Xq7-vR2p!mL9#tW4-demo")
        url = "postgres://billing:Xq7-vR2p!mL9#tW4-demo@db:5432/app"
        headers: Authorization: Bearer tok_demo_4f9a1c2e8b7d6a5f
        """
        let tokens = strings(Array(SecretValues.tokens(in: Array(code.utf8), minLength: 8)))
        XCTAssertTrue(tokens.contains("Xq7-vR2p!mL9#tW4-demo"))
        XCTAssertTrue(tokens.contains("tok_demo_4f9a1c2e8b7d6a5f"))
        XCTAssertFalse(tokens.contains { $0.count < 8 })
    }

    func testMinimumLengthIsHonoured() {
        let env = Array("API_KEY=abcd1234\n".utf8)
        XCTAssertEqual(SecretValues.candidates(in: env, minLength: 8).count, 1)
        XCTAssertEqual(SecretValues.candidates(in: env, minLength: 9).count, 0)
    }

    func testBinaryInputDoesNotTrap() {
        let junk = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        _ = SecretValues.candidates(in: junk, minLength: 8)
        _ = SecretValues.tokens(in: junk, minLength: 8)
    }
}
