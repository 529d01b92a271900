import CryptoPrimitives

/// An HTTP request as the signer sees it.
public struct HTTPRequest: Sendable {
    /// `GET`, `POST`, ...
    public var method: String
    /// The raw path (not yet percent-encoded), starting with `/`.
    public var path: String
    /// The raw query string without `?` (may be empty).
    public var query: String
    /// Headers in order; names are case-insensitive, duplicates allowed.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: [UInt8]

    /// A request.
    public init(method: String, path: String, query: String = "", headers: [(name: String, value: String)], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// AWS credentials. The secret is held in wiping memory.
public struct Credentials: Sendable {
    /// Access key id (not secret; appears in the Authorization header).
    public let accessKeyId: String
    /// Secret access key.
    public let secretAccessKey: SecureBytes
    /// Session token for temporary credentials.
    public let sessionToken: String?

    /// Credentials.
    public init(accessKeyId: String, secretAccessKey: SecureBytes, sessionToken: String?) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

/// What to sign for.
public struct SigningScope: Sendable {
    /// e.g. `us-east-1`.
    public var region: String
    /// e.g. `kms`.
    public var service: String
    /// Seconds since 1970-01-01 UTC (a parameter, so tests pin it).
    public var time: Int64
    /// Remove dot segments and empty segments from the path (all services but S3).
    public var normalizePath = true
    /// Add and sign `x-amz-content-sha256`.
    public var signBody = false
    /// Send the session token unsigned (added after signing), for services that require it.
    public var omitSessionToken = false

    /// A scope.
    public init(region: String, service: String, time: Int64) {
        self.region = region
        self.service = service
        self.time = time
    }
}

/// The signer's intermediate results, exposed so tests compare them with AWS's vectors.
public struct SignedRequest: Sendable {
    /// The request with X-Amz-Date, security token and Authorization added.
    public var request: HTTPRequest
    /// Task 1 of the SigV4 spec.
    public var canonicalRequest: String
    /// Task 2.
    public var stringToSign: String
    /// Task 3, hex.
    public var signature: String
}

/// AWS Signature Version 4 for the Authorization header. Pure: no clock, no I/O.
/// SeeAlso: https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
public enum SigV4 {
    /// Signs `request` for `scope` with `credentials`.
    public static func sign(_ request: HTTPRequest, credentials: Credentials, scope: SigningScope) throws -> SignedRequest {
        let (date, dateTime) = timestamps(scope.time)
        var req = request
        req.headers.append(("X-Amz-Date", dateTime))
        if let token = credentials.sessionToken, !scope.omitSessionToken { req.headers.append(("X-Amz-Security-Token", token)) }
        let payloadHash = hex(try Digest.hash(.sha256, request.body))
        if scope.signBody { req.headers.append(("x-amz-content-sha256", payloadHash)) }

        let (canonicalHeaders, signedHeaders) = canonicalize(headers: req.headers)
        let canonicalRequest = [
            req.method,
            canonicalPath(req.path, normalize: scope.normalizePath),
            canonicalQuery(req.query),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        let credentialScope = "\(date)/\(scope.region)/\(scope.service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", dateTime, credentialScope,
            hex(try Digest.hash(.sha256, Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")

        var kSecret = Array("AWS4".utf8)
        credentials.secretAccessKey.withUnsafeBytes { kSecret.append(contentsOf: $0) }
        let secretKey = SecureBytes(consuming: &kSecret)
        let kDate = try mac(secretKey, date)
        let kRegion = try mac(kDate, scope.region)
        let kService = try mac(kRegion, scope.service)
        let kSigning = try mac(kService, "aws4_request")
        let signature = hex(try HMAC.authenticate(key: kSigning, Array(stringToSign.utf8)))

        if let token = credentials.sessionToken, scope.omitSessionToken { req.headers.append(("X-Amz-Security-Token", token)) }
        req.headers.append(("Authorization",
                            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(credentialScope), SignedHeaders=\(signedHeaders), Signature=\(signature)"))
        return SignedRequest(request: req, canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature)
    }

    private static func mac(_ key: SecureBytes, _ data: String) throws -> SecureBytes {
        var out = try HMAC.authenticate(key: key, Array(data.utf8))
        return SecureBytes(consuming: &out)
    }

    /// `yyyyMMdd` and `yyyyMMdd'T'HHmmss'Z'` in UTC, from civil-from-days (no time-zone database).
    static func timestamps(_ t: Int64) -> (String, String) {
        let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let secs = t - days * 86_400
        // Howard Hinnant's days_from_civil inverse.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ n: Int) -> String { String(repeating: "0", count: max(0, n - String(v).count)) + String(v) }
        let date = pad(y, 4) + pad(m, 2) + pad(d, 2)
        return (date, date + "T" + pad(secs / 3600, 2) + pad(secs / 60 % 60, 2) + pad(secs % 60, 2) + "Z")
    }

    static func canonicalize(headers: [(name: String, value: String)]) -> (String, String) {
        var merged: [String: [String]] = [:]
        for (name, value) in headers {
            let trimmed = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            merged[name.lowercased(), default: []].append(trimmed)
        }
        let names = merged.keys.sorted()
        let canonical = names.map { "\($0):\(merged[$0]!.joined(separator: ","))\n" }.joined()
        return (canonical, names.joined(separator: ";"))
    }

    static func canonicalPath(_ path: String, normalize: Bool) -> String {
        guard normalize else { return encode(path, keepSlash: true) }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." { _ = segments.popLast(); continue }
            segments.append(segment)
        }
        var out = "/" + segments.joined(separator: "/")
        if path.hasSuffix("/") && !segments.isEmpty { out += "/" }
        return encode(out, keepSlash: true)
    }

    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { part -> (String, String) in
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (encode(decode(String(kv[0])), keepSlash: false), kv.count > 1 ? encode(decode(String(kv[1])), keepSlash: false) : "")
        }
        return pairs.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// RFC 3986 percent-encoding of everything but unreserved characters (and `/` for paths).
    public static func encode(_ s: String, keepSlash: Bool) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                let h = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [h[Int(b >> 4)], h[Int(b & 0xf)]], as: UTF8.self)
            }
        }
        return out
    }

    static func decode(_ s: String) -> String {
        var bytes: [UInt8] = []
        let u = Array(s.utf8)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "%"), i + 2 < u.count, let v = UInt8(String(decoding: u[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                bytes.append(v)
                i += 3
            } else {
                bytes.append(u[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hex(_ b: [UInt8]) -> String {
        let h = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for x in b { out.append(h[Int(x >> 4)]); out.append(h[Int(x & 0xf)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
