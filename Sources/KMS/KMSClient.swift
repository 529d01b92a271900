import CryptoPrimitives
import Foundation
import HTTPTransport
import SigV4

/// What DescribeKey says about a key.
public struct KeyDescription: Sendable {
    /// The key ARN.
    public let arn: String
    /// `Enabled`, `Disabled`, `PendingDeletion`, `PendingImport`, `Unavailable`, ...
    public let state: String
    /// When a key pending deletion will be deleted (ISO 8601 or epoch seconds as sent).
    public let deletionDate: String?
}

/// A KMS JSON 1.1 client: the four operations `secrets` needs, nothing else. It never parses
/// the ciphertext blob. Credentials are resolved on first use.
/// SeeAlso: https://docs.aws.amazon.com/kms/latest/APIReference/Welcome.html
public final class KMSClient: @unchecked Sendable {
    /// Region, endpoint and profile in use.
    public let settings: AWSSettings
    private let requester: AWSRequester
    private var resolved: (Credentials, String)?

    /// A client. `keyArn` lets the key's own region be the last resort.
    public init(flags: AWSFlags, environment: [String: String], keyArn: String?,
                transport: HTTPTransport? = nil, runtime: AWSRuntime = .live) throws {
        settings = try AWSSettings.resolve(flags: flags, environment: environment, keyArn: keyArn)
        var runtime = runtime
        if flags.debug, runtime.log == nil {
            runtime.log = { line in FileHandle.standardError.write(Data("secrets: debug: \(line)\n".utf8)) }
        }
        requester = AWSRequester(transport: transport ?? CurlTransport(caBundle: nonEmpty(environment["AWS_CA_BUNDLE"])), env: runtime)
    }

    /// The credential source that supplied credentials (after the first call), for messages.
    public var credentialSource: String? { resolved?.1 }

    private func credentials() throws -> Credentials {
        if let resolved { return resolved.0 }
        let found = try CredentialChain.resolve(CredentialContext(settings: settings, requester: requester, profile: settings.profile))
        resolved = found
        return found.0
    }

    /// GenerateDataKey (AES_256): the plaintext key, the raw CiphertextBlob, and the key ARN.
    public func generateDataKey(keyId: String, context: [String: String]) throws -> (plaintext: SecureBytes, blob: [UInt8], keyArn: String) {
        var body = try call("GenerateDataKey", ["KeyId": keyId, "KeySpec": "AES_256", "EncryptionContext": context])
        defer { Wipe.array(&body) }
        let plaintext = try extractSecret("Plaintext", from: &body, operation: "GenerateDataKey")
        let json = try object(body, "GenerateDataKey")
        guard let blob = (json["CiphertextBlob"] as? String).flatMap({ Data(base64Encoded: $0) }), let arn = json["KeyId"] as? String else {
            throw KMSError.malformedResponse(operation: "GenerateDataKey", detail: "missing CiphertextBlob or KeyId")
        }
        guard plaintext.count == 32 else { throw KMSError.malformedResponse(operation: "GenerateDataKey", detail: "Plaintext is not 32 bytes") }
        return (plaintext, Array(blob), arn)
    }

    /// Decrypt with KeyId pinned to `keyArn`; the response must name that same key.
    public func decrypt(_ blob: [UInt8], keyArn: String, context: [String: String]) throws -> SecureBytes {
        var body = try call("Decrypt", ["CiphertextBlob": Data(blob).base64EncodedString(), "KeyId": keyArn, "EncryptionContext": context])
        defer { Wipe.array(&body) }
        let plaintext = try extractSecret("Plaintext", from: &body, operation: "Decrypt")
        let json = try object(body, "Decrypt")
        guard let answered = json["KeyId"] as? String else { throw KMSError.malformedResponse(operation: "Decrypt", detail: "missing KeyId") }
        guard answered == keyArn else { throw KMSError.keyMismatch(expected: keyArn, actual: answered) }
        guard plaintext.count == 32 else { throw KMSError.malformedResponse(operation: "Decrypt", detail: "Plaintext is not 32 bytes") }
        return plaintext
    }

    /// Decrypt without KeyId or context, for blobs made by `aws kms generate-data-key` with no
    /// context (aws-kms-boilerplate repos). Returns the key and the ARN KMS used.
    public func decryptUnpinned(_ blob: [UInt8]) throws -> (plaintext: SecureBytes, keyArn: String) {
        var body = try call("Decrypt", ["CiphertextBlob": Data(blob).base64EncodedString()])
        defer { Wipe.array(&body) }
        let plaintext = try extractSecret("Plaintext", from: &body, operation: "Decrypt")
        guard let arn = try object(body, "Decrypt")["KeyId"] as? String else {
            throw KMSError.malformedResponse(operation: "Decrypt", detail: "missing KeyId")
        }
        return (plaintext, arn)
    }

    /// ReEncrypt a blob to another key (and context) without exposing the plaintext key here.
    public func reEncrypt(_ blob: [UInt8], from sourceArn: String, sourceContext: [String: String],
                          to destinationKeyId: String, destinationContext: [String: String]) throws -> (blob: [UInt8], keyArn: String) {
        let body = try call("ReEncrypt", ["CiphertextBlob": Data(blob).base64EncodedString(), "SourceKeyId": sourceArn,
                                          "SourceEncryptionContext": sourceContext, "DestinationKeyId": destinationKeyId,
                                          "DestinationEncryptionContext": destinationContext])
        let json = try object(body, "ReEncrypt")
        guard let newBlob = (json["CiphertextBlob"] as? String).flatMap({ Data(base64Encoded: $0) }), let arn = json["KeyId"] as? String else {
            throw KMSError.malformedResponse(operation: "ReEncrypt", detail: "missing CiphertextBlob or KeyId")
        }
        return (Array(newBlob), arn)
    }

    /// DescribeKey: ARN and state, to explain a refusal.
    public func describeKey(_ keyId: String) throws -> KeyDescription {
        let json = try object(try call("DescribeKey", ["KeyId": keyId]), "DescribeKey")
        guard let meta = json["KeyMetadata"] as? [String: Any], let arn = meta["Arn"] as? String else {
            throw KMSError.malformedResponse(operation: "DescribeKey", detail: "missing KeyMetadata.Arn")
        }
        let deletion = meta["DeletionDate"].map { "\($0)" }
        return KeyDescription(arn: arn, state: meta["KeyState"] as? String ?? "unknown", deletionDate: deletion)
    }

    private func call(_ operation: String, _ payload: [String: Any]) throws -> [UInt8] {
        var call = AWSCall(operation: operation, service: "kms", region: settings.region, endpoint: settings.endpoint)
        call.headers = [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "TrentService.\(operation)")]
        call.body = try JSON.encode(payload)
        return try requester.perform(call, credentials: try credentials()).body
    }

    private func object(_ body: [UInt8], _ operation: String) throws -> [String: Any] {
        // moto answers success with text/html; the body is JSON all the same.
        guard let json = try? JSON.parseObject(body) else { throw KMSError.malformedResponse(operation: operation, detail: "body is not JSON") }
        return json
    }

    /// Decodes the base64 string member `field` straight into wiping memory and blanks it in
    /// `body`, so the later full JSON parse never sees key bytes.
    func extractSecret(_ field: String, from body: inout [UInt8], operation: String) throws -> SecureBytes {
        let key = Array("\"\(field)\"".utf8)
        guard let start = body.firstRange(of: key)?.upperBound else {
            throw KMSError.malformedResponse(operation: operation, detail: "missing \(field)")
        }
        var i = start
        while i < body.count, body[i] == 0x20 || body[i] == 0x3A || body[i] == 0x0A || body[i] == 0x0D || body[i] == 0x09 { i += 1 }
        guard i < body.count, body[i] == UInt8(ascii: "\"") else { throw KMSError.malformedResponse(operation: operation, detail: "\(field) is not a string") }
        let valueStart = i + 1
        guard let valueEnd = body[valueStart...].firstIndex(of: UInt8(ascii: "\"")) else {
            throw KMSError.malformedResponse(operation: operation, detail: "unterminated \(field)")
        }
        let secret = body.withUnsafeBytes { Base64.decodeSecure(UnsafeRawBufferPointer(rebasing: $0[valueStart..<valueEnd])) }
        for j in valueStart..<valueEnd { body[j] = UInt8(ascii: "A") }
        guard let secret else { throw KMSError.malformedResponse(operation: operation, detail: "\(field) is not base64") }
        return secret
    }
}
