import XCTest
import Foundation
import CryptoPrimitives

/// Files written by the `openssl` CLI itself (an independent peer) open with our reader.
final class LegacyOpenSSLEncTests: XCTestCase {
    private func openssl(_ args: [String], in dir: URL) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = args
        p.currentDirectoryURL = dir
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "openssl \(args)")
    }

    func testOpensWhatOpenSSLEncWroteWithEitherDigestAndTruncatedPasswords() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else { throw XCTSkip("openssl CLI not installed") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("enc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let plaintext = Array("db_password=hunter2\n".utf8) + (0..<5000).map { UInt8(truncatingIfNeeded: $0) }
        try Data(plaintext).write(to: dir.appendingPathComponent("plain"))
        // Keys without a line break, with one at byte 9, and with a NUL at byte 20.
        var keys: [[UInt8]] = [(0..<32).map { UInt8(0x20 + $0) }]
        var withLF = keys[0]; withLF[9] = 0x0A; keys.append(withLF)
        var withNUL = keys[0]; withNUL[20] = 0x00; keys.append(withNUL)
        for (i, keyBytes) in keys.enumerated() {
            try Data(keyBytes).write(to: dir.appendingPathComponent("key"))
            for digest in LegacyOpenSSLEnc.KeyDigest.allCases {
                try openssl(["enc", "-e", "-aes256", "-md", digest.rawValue, "-kfile", "key", "-in", "plain", "-out", "sealed"], in: dir)
                let sealed = Array(try Data(contentsOf: dir.appendingPathComponent("sealed")))
                let password = LegacyOpenSSLEnc.password(fromKeyFile: keyBytes.withUnsafeBytes { SecureBytes(copying: $0) })
                XCTAssertEqual(password.count, [32, 9, 20][i])
                let opened = try LegacyOpenSSLEnc.decrypt(sealed, password: password, digest: digest)
                XCTAssertEqual(opened.withUnsafeBytes { Array($0) }, plaintext, "key \(i) \(digest)")
                let other: LegacyOpenSSLEnc.KeyDigest = digest == .sha256 ? .md5 : .sha256
                let wrong = try? LegacyOpenSSLEnc.decrypt(sealed, password: password, digest: other)
                XCTAssertNotEqual(wrong?.withUnsafeBytes { Array($0) }, plaintext)
            }
        }
        XCTAssertThrowsError(try LegacyOpenSSLEnc.decrypt(Array("plain text".utf8), password: SecureBytes(count: 1), digest: .sha256)) {
            XCTAssertEqual($0 as? LegacyOpenSSLEnc.Failure, .notSalted)
        }
    }
}
