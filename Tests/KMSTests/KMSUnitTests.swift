import XCTest
import Foundation
import CryptoPrimitives
import HTTPTransport
@testable import KMS

final class AWSErrorParserTests: XCTestCase {
    private func parse(_ status: Int, _ body: String, header: String? = nil) -> (String, String) {
        let response = TransportResponse(status: status, headers: header.map { [("X-Amzn-ErrorType", $0)] } ?? [], body: Array(body.utf8))
        let r = AWSErrorParser.parse(status: status, headers: response, body: response.body)
        return (r.type, r.message)
    }

    func testShapes() {
        XCTAssertEqual(parse(400, #"{"__type": "com.amazonaws.kms#NotFoundException", "Message": "gone"}"#).0, "NotFoundException")
        XCTAssertEqual(parse(400, #"{"__type": "NotFoundException", "Message": "gone"}"#).1, "gone")
        XCTAssertEqual(parse(400, #"{"__type": "X", "message": "lower"}"#).1, "lower")
        XCTAssertEqual(parse(403, "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>bad sig</Message></Error></ErrorResponse>").0, "SignatureDoesNotMatch")
        XCTAssertEqual(parse(400, "", header: "AccessDeniedException:http://internal.amazon.com/coral/").0, "AccessDeniedException")
        XCTAssertEqual(parse(502, "<html>bad gateway</html>").0, "HTTP 502")
    }
}

final class RetryPolicyTests: XCTestCase {
    func testFullJitterIsCapped() {
        let p = RetryPolicy.standard
        XCTAssertEqual(p.delay(afterAttempt: 0, random: 0.999), 99)
        XCTAssertEqual(p.delay(afterAttempt: 3, random: 0.5), 400)
        XCTAssertEqual(p.delay(afterAttempt: 30, random: 0.999), 1998)
        XCTAssertEqual(p.delay(afterAttempt: 2, random: 0), 0)
    }

    func testWhatIsRetried() {
        XCTAssertTrue(RetryPolicy.isRetryable(.service(operation: "x", type: "ThrottlingException", message: "", status: 400)))
        XCTAssertTrue(RetryPolicy.isRetryable(.service(operation: "x", type: "KMSInternalException", message: "", status: 500)))
        XCTAssertFalse(RetryPolicy.isRetryable(.service(operation: "x", type: "AccessDeniedException", message: "", status: 400)))
        XCTAssertTrue(RetryPolicy.isRetryable(.transport(operation: "x", TransportError(url: "u", code: 7, message: "", transient: true, tls: false))))
        XCTAssertFalse(RetryPolicy.isRetryable(.transport(operation: "x", TransportError(url: "u", code: 60, message: "", transient: false, tls: true))))
    }
}

final class SettingsTests: XCTestCase {
    func testConfigFileParsing() {
        let parsed = AWSConfigFiles.parse("""
        [default]
        region = eu-west-1
        # comment
        [profile dev]
        region=us-west-2
        s3 =
          max_concurrent_requests = 5
        kms =
          endpoint_url = http://localhost:4566
        """)
        XCTAssertEqual(parsed["default"]?["region"], "eu-west-1")
        XCTAssertEqual(parsed["profile dev"]?["region"], "us-west-2")
        XCTAssertEqual(parsed["profile dev"]?["kms.endpoint_url"], "http://localhost:4566")
    }

    func testRegionAndEndpointPrecedence() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(".aws"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "[profile p]\nregion = ap-south-1\nendpoint_url = https://profile.example\n".write(to: dir.appendingPathComponent(".aws/config"), atomically: true, encoding: .utf8)
        let home = ["HOME": dir.path]
        let arn = "arn:aws:kms:eu-central-1:111122223333:key/k"
        func resolve(_ flags: AWSFlags, _ env: [String: String], _ keyArn: String? = nil) throws -> AWSSettings {
            try AWSSettings.resolve(flags: flags, environment: home.merging(env) { $1 }, keyArn: keyArn)
        }
        XCTAssertEqual(try resolve(AWSFlags(region: "us-east-2"), ["AWS_REGION": "x"], arn).region, "us-east-2")
        XCTAssertEqual(try resolve(AWSFlags(), ["AWS_REGION": "us-west-1"], arn).region, "eu-central-1", "a key lives in its ARN's region")
        XCTAssertEqual(try resolve(AWSFlags(), ["AWS_REGION": "us-west-1", "AWS_DEFAULT_REGION": "x"]).region, "us-west-1")
        XCTAssertEqual(try resolve(AWSFlags(), ["AWS_DEFAULT_REGION": "sa-east-1"]).region, "sa-east-1")
        XCTAssertEqual(try resolve(AWSFlags(profile: "p"), [:]).region, "ap-south-1")
        XCTAssertThrowsError(try resolve(AWSFlags(), [:]))
        XCTAssertThrowsError(try resolve(AWSFlags(profile: "missing"), ["AWS_REGION": "r"]))

        XCTAssertEqual(try resolve(AWSFlags(region: "r"), [:]).endpoint, "https://kms.r.amazonaws.com")
        XCTAssertEqual(try resolve(AWSFlags(profile: "p"), [:]).endpoint, "https://profile.example")
        XCTAssertEqual(try resolve(AWSFlags(profile: "p"), ["AWS_ENDPOINT_URL": "http://all"]).endpoint, "http://all")
        XCTAssertEqual(try resolve(AWSFlags(profile: "p"), ["AWS_ENDPOINT_URL": "http://all", "AWS_ENDPOINT_URL_KMS": "http://kms"]).endpoint, "http://kms")
        XCTAssertEqual(try resolve(AWSFlags(profile: "p", endpointURL: "http://flag"), ["AWS_ENDPOINT_URL_KMS": "http://kms"]).endpoint, "http://flag")
        XCTAssertThrowsError(try resolve(AWSFlags(region: "r", endpointURL: "ftp://x"), [:]))
        // A repository-supplied ARN cannot smuggle a host name in as its region.
        XCTAssertThrowsError(try resolve(AWSFlags(), [:], "arn:aws:kms:x.attacker.example#:111122223333:key/k"))
        XCTAssertThrowsError(try resolve(AWSFlags(region: "us-east-1/evil"), [:]))
        XCTAssertEqual(try resolve(AWSFlags(), [:], "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/k").region, "us-gov-west-1")
    }

    func testEndpointURL() {
        XCTAssertEqual(EndpointURL("https://kms.us-east-1.amazonaws.com")?.hostHeader, "kms.us-east-1.amazonaws.com")
        XCTAssertEqual(EndpointURL("https://h:443/")?.hostHeader, "h")
        XCTAssertEqual(EndpointURL("http://127.0.0.1:5000/base/")?.basePath, "/base")
        XCTAssertNil(EndpointURL("http://user:pw@host"))
        XCTAssertNil(EndpointURL("file:///etc/passwd"))
    }
}

/// A transport that answers from a script: the one fault-injection fake, for paths a real
/// server cannot be made to take on demand (secret extraction from a crafted body).
struct ScriptedTransport: HTTPTransport {
    let body: String
    func send(_ request: TransportRequest, timeouts: Timeouts) throws -> TransportResponse {
        TransportResponse(status: 200, headers: [], body: Array(body.utf8))
    }
}

final class CurlTransportTests: XCTestCase {
    func testHeaderInjectionIsRefusedBeforeSending() {
        let request = TransportRequest(method: "GET", url: "http://127.0.0.1:9/", headers: [("X-Token", "a\r\nX-Evil: 1")], body: [])
        XCTAssertThrowsError(try CurlTransport(caBundle: nil).send(request, timeouts: Timeouts(connectMilliseconds: 100, totalMilliseconds: 100))) {
            XCTAssertTrue(($0 as? TransportError)?.message.contains("line break") == true, "\($0)")
        }
    }
}

final class KMSClientTests: XCTestCase {
    func testPlaintextIsBlankedBeforeTheJSONParse() throws {
        let client = try KMSClient(flags: AWSFlags(region: "us-east-1", endpointURL: "http://127.0.0.1:1"),
                                   environment: ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b", "HOME": "/nonexistent"],
                                   keyArn: nil, transport: ScriptedTransport(body: ""))
        var body = Array(#"{"KeyId": "k", "Plaintext" : "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "x": 1}"#.utf8)
        let secret = try client.extractSecret("Plaintext", from: &body, operation: "Decrypt")
        XCTAssertEqual(secret.withUnsafeBytes { Array($0) }, Array(0..<32))
        XCTAssertFalse(String(decoding: body, as: UTF8.self).contains("AAECAwQF"))
        XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(body)), "the rest still parses")
    }

    func testDecryptRefusesAnotherKeyAndShortKeys() throws {
        func client(_ body: String) throws -> KMSClient {
            try KMSClient(flags: AWSFlags(region: "us-east-1", endpointURL: "http://127.0.0.1:1"),
                          environment: ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b", "HOME": "/nonexistent"],
                          keyArn: nil, transport: ScriptedTransport(body: body))
        }
        let key = Data(count: 32).base64EncodedString()
        XCTAssertThrowsError(try client(#"{"KeyId": "arn:other", "Plaintext": "\#(key)"}"#).decrypt([1], keyArn: "arn:mine", context: [:])) {
            guard case KMSError.keyMismatch("arn:mine", "arn:other") = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try client(#"{"KeyId": "arn:mine", "Plaintext": "AAAA"}"#).decrypt([1], keyArn: "arn:mine", context: [:]))
        XCTAssertNoThrow(try client(#"{"KeyId": "arn:mine", "Plaintext": "\#(key)"}"#).decrypt([1], keyArn: "arn:mine", context: [:]))
    }
}
