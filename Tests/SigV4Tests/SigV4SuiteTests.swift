import XCTest
import Foundation
import CryptoPrimitives
@testable import SigV4

/// Every case of AWS's SigV4 suite (aws-c-auth, header signing): canonical request, string to
/// sign and signature byte for byte, plus the Authorization header of the signed request.
final class SigV4SuiteTests: XCTestCase {
    struct Context: Decodable {
        struct Creds: Decodable { let access_key_id: String; let secret_access_key: String; let token: String? }
        let credentials: Creds
        let normalize: Bool
        let region: String
        let service: String
        let sign_body: Bool
        let timestamp: String
        let omit_session_token: Bool?
    }

    static var suite: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("aws-sigv4-test-suite")
    }

    /// Parses request.txt: request line, headers (with obs-fold continuation lines), body.
    static func parse(_ text: String) -> HTTPRequest {
        var lines = text.components(separatedBy: "\n")
        let first = lines.removeFirst()
        let method = String(first.prefix { $0 != " " })
        var target = String(first.dropFirst(method.count + 1))
        if target.hasSuffix(" HTTP/1.1") { target = String(target.dropLast(9)) }
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var headers: [(name: String, value: String)] = []
        while let line = lines.first, !line.isEmpty {
            lines.removeFirst()
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            let colon = line.firstIndex(of: ":")!
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
        }
        let body = lines.isEmpty ? "" : lines.dropFirst().joined(separator: "\n")
        return HTTPRequest(method: method, path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : "",
                           headers: headers, body: Array(body.utf8))
    }

    func testEveryCase() throws {
        let cases = try FileManager.default.contentsOfDirectory(atPath: Self.suite.path).filter {
            FileManager.default.fileExists(atPath: Self.suite.appendingPathComponent($0 + "/context.json").path)
        }.sorted()
        XCTAssertEqual(cases.count, 38)
        for name in cases {
            let dir = Self.suite.appendingPathComponent(name)
            func read(_ f: String) throws -> String { try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8) }
            let context = try JSONDecoder().decode(Context.self, from: Data(contentsOf: dir.appendingPathComponent("context.json")))
            let time = Int64(ISO8601DateFormatter().date(from: context.timestamp)!.timeIntervalSince1970)
            var scope = SigningScope(region: context.region, service: context.service, time: time)
            scope.normalizePath = context.normalize
            scope.signBody = context.sign_body
            scope.omitSessionToken = context.omit_session_token ?? false
            let secret = Array(context.credentials.secret_access_key.utf8).withUnsafeBytes { SecureBytes(copying: $0) }
            let creds = Credentials(accessKeyId: context.credentials.access_key_id, secretAccessKey: secret, sessionToken: context.credentials.token)
            let signed = try SigV4.sign(Self.parse(try read("request.txt")), credentials: creds, scope: scope)
            XCTAssertEqual(signed.canonicalRequest, try read("header-canonical-request.txt"), "\(name): canonical request")
            XCTAssertEqual(signed.stringToSign, try read("header-string-to-sign.txt"), "\(name): string to sign")
            XCTAssertEqual(signed.signature, try read("header-signature.txt").trimmingCharacters(in: .whitespacesAndNewlines), "\(name): signature")
            let expectedAuth = try read("header-signed-request.txt").components(separatedBy: "\n").first { $0.hasPrefix("Authorization:") }
            XCTAssertEqual("Authorization:" + (signed.request.header("Authorization") ?? ""), expectedAuth, name)
        }
    }

    func testTimestampsAcrossEras() {
        XCTAssertEqual(SigV4.timestamps(0).1, "19700101T000000Z")
        XCTAssertEqual(SigV4.timestamps(1_440_938_160).1, "20150830T123600Z")
        XCTAssertEqual(SigV4.timestamps(951_782_400).1, "20000229T000000Z")
        XCTAssertEqual(SigV4.timestamps(4_102_444_799).1, "20991231T235959Z")
    }
}
