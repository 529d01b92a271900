import HTTPTransport

/// Why a KMS (or credential) request failed. `Service` errors keep AWS's own type and message.
public enum KMSError: Error, Sendable {
    /// AWS answered with an error: the `__type` (namespace stripped), message, HTTP status.
    case service(operation: String, type: String, message: String, status: Int)
    /// No HTTP response at all.
    case transport(operation: String, TransportError)
    /// A response that does not have the documented shape.
    case malformedResponse(operation: String, detail: String)
    /// Decrypt answered for another key than the one recorded at init.
    case keyMismatch(expected: String, actual: String)
    /// No credential source applied; one line per source saying why.
    case noCredentials(tried: [String])
    /// A configured credential source failed (credential_process, STS, SSO, ...).
    case credentialSource(source: String, detail: String)
    /// No region from flag, environment, profile or key ARN.
    case noRegion
    /// A setting (endpoint URL, profile) is unusable.
    case badSetting(name: String, detail: String)
    /// All attempts failed; the last error is kept.
    indirect case retriesExhausted(attempts: Int, last: KMSError)
}

/// Parses AWS error responses: JSON `__type`/`message`/`Message`, else an XML `<Code>`, else the
/// `X-Amzn-ErrorType` header, else the HTTP status.
/// SeeAlso: https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html
enum AWSErrorParser {
    static func parse(status: Int, headers: TransportResponse, body: [UInt8]) -> (type: String, message: String) {
        var type: String?
        var message: String?
        if let object = try? JSON.parseObject(body) {
            type = object["__type"] as? String ?? object["code"] as? String ?? object["Code"] as? String
            message = object["message"] as? String ?? object["Message"] as? String
        } else {
            let text = String(decoding: body, as: UTF8.self)
            type = xmlValue(text, tag: "Code")
            message = xmlValue(text, tag: "Message")
        }
        if type == nil, let header = headers.header("X-Amzn-ErrorType") { type = header }
        // `namespace#Type` in JSON, `Type:http://...` in the header: keep only the type.
        let cleaned = type.map { t -> String in
            let afterHash = t.split(separator: "#").last.map(String.init) ?? t
            return afterHash.split(separator: ":").first.map(String.init) ?? afterHash
        }
        return (cleaned ?? "HTTP \(status)", message ?? "")
    }

    static func xmlValue(_ text: String, tag: String) -> String? {
        guard let open = text.range(of: "<\(tag)>"), let close = text.range(of: "</\(tag)>", range: open.upperBound..<text.endIndex) else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }
}

import Foundation

/// Small JSON helpers over Foundation for non-secret documents.
enum JSON {
    static func parseObject(_ bytes: [UInt8]) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw KMSError.malformedResponse(operation: "", detail: "not a JSON object")
        }
        return object
    }

    static func encode(_ object: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }
}
