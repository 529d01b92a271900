import XCTest
import Foundation
import CryptoPrimitives

func hex(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var chars = Array(s.utf8)
    if chars.count % 2 == 1 { chars.insert(UInt8(ascii: "0"), at: 0) }
    for i in stride(from: 0, to: chars.count, by: 2) {
        out.append(UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16)!)
    }
    return out
}

func secure(_ bytes: [UInt8]) -> SecureBytes {
    bytes.withUnsafeBytes { SecureBytes(copying: $0) }
}

func bytes(_ s: SecureBytes) -> [UInt8] { s.withUnsafeBytes { Array($0) } }

final class CryptoPrimitivesTests: XCTestCase {
    /// RFC 5869 appendix A.1 (SHA-256).
    func testHKDFRFC5869Case1() throws {
        let okm = try HKDF.derive(.sha256, ikm: secure(hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b")),
                                  salt: hex("000102030405060708090a0b0c"), info: hex("f0f1f2f3f4f5f6f7f8f9"), length: 42)
        XCTAssertEqual(bytes(okm), hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"))
    }

    /// RFC 4231 test case 2.
    func testHMACRFC4231Case2() throws {
        let tag = try HMAC.authenticate(key: secure(Array("Jefe".utf8)), Array("what do ya want for nothing?".utf8))
        XCTAssertEqual(tag, hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"))
    }

    func testSHA512Empty() throws {
        XCTAssertEqual(try Digest.hash(.sha512, []).prefix(8), ArraySlice(hex("cf83e1357eefb8bd")))
    }

    /// NIST GCM test vector (gcmEncryptExtIV256, Count 0 with 16-byte plaintext and AAD-free).
    func testAESGCMKnownAnswer() throws {
        let key = secure(hex("31bdadd96698c204aa9ce1448ea94ae1fb4a9a0b3c9d773b51bb1822666b8f22"))
        let nonce = hex("0d18e06c7c725ac9e362e1ce")
        let pt = hex("2db5168e932556f8089a0622981d017d")
        let gcm = try AESGCM(key: key)
        var ct = [UInt8](repeating: 0, count: pt.count)
        let tag = try pt.withUnsafeBytes { p in try ct.withUnsafeMutableBytes { c in
            try gcm.seal(nonce: nonce, aad: [], input: p, output: c) } }
        XCTAssertEqual(ct, hex("fa4362189661d163fcd6a56d8bf0405a"))
        XCTAssertEqual(tag, hex("d636ac1bbedd5cc3ee727dc2ab4a9489"))
    }

    func testAESGCMRoundTripAndTamper() throws {
        let gcm = try AESGCM(key: SecureBytes(randomCount: 32))
        let nonce = try Random.bytes(12)
        let pt = Array("attack at dawn".utf8)
        var ct = [UInt8](repeating: 0, count: pt.count)
        let tag = try pt.withUnsafeBytes { p in try ct.withUnsafeMutableBytes { try gcm.seal(nonce: nonce, aad: [1, 2], input: p, output: $0) } }
        var out = [UInt8](repeating: 0, count: pt.count)
        try ct.withUnsafeBytes { c in try out.withUnsafeMutableBytes { try gcm.open(nonce: nonce, aad: [1, 2], input: c, tag: tag, output: $0) } }
        XCTAssertEqual(out, pt)
        XCTAssertThrowsError(try ct.withUnsafeBytes { c in try out.withUnsafeMutableBytes {
            try gcm.open(nonce: nonce, aad: [1, 3], input: c, tag: tag, output: $0) } }) { error in
            XCTAssertEqual(error as? CryptoError, .authenticationFailed)
        }
        XCTAssertEqual(out, [UInt8](repeating: 0, count: pt.count), "failed open must wipe its output")
    }

    func testWrongKeyLengthIsAnErrorNotATrap() {
        XCTAssertThrowsError(try AESGCM(key: SecureBytes(count: 16)))
    }

    func testConstantTimeEqual() {
        XCTAssertTrue(ConstantTime.equal([1, 2, 3], [1, 2, 3]))
        XCTAssertFalse(ConstantTime.equal([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(ConstantTime.equal([1, 2], [1, 2, 3]))
    }
}

final class Base64Tests: XCTestCase {
    func testDecodeSecureMatchesFoundation() {
        for n in 0..<70 {
            let raw = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 5) }
            let text = Data(raw).base64EncodedString()
            let decoded = Array(text.utf8).withUnsafeBytes { Base64.decodeSecure($0) }
            XCTAssertEqual(decoded.map(bytes), raw, "n=\(n)")
        }
        XCTAssertEqual(Array("AAEC\\/w==".utf8).withUnsafeBytes { Base64.decodeSecure($0) }.map(bytes), [0, 1, 2, 255])
        XCTAssertNil(Array("A!==".utf8).withUnsafeBytes { Base64.decodeSecure($0) })
    }
}
