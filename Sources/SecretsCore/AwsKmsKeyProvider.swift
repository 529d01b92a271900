import CryptoPrimitives
import Envelope
import KMS

/// AWS KMS as a `KeyProvider`: GenerateDataKey at init, Decrypt (KeyId pinned to the recorded
/// ARN) afterwards; one KMS call each. Failures become one-line messages naming the key, the
/// region and the credential source.
final class AwsKmsKeyProvider: KeyProvider, @unchecked Sendable {
    let client: KMSClient
    /// `--kms-id` at init, the recorded ARN afterwards.
    let keyId: String

    init(client: KMSClient, keyId: String) {
        self.client = client
        self.keyId = keyId
    }

    static func client(aws: AWSFlags, environment: [String: String], keyArn: String?, keyId: String) throws -> KMSClient {
        do { return try KMSClient(flags: aws, environment: environment, keyArn: keyArn) } catch let e as KMSError {
            throw translate(e, keyId: keyId, region: nil, source: nil, endpoint: nil, action: "kms:GenerateDataKey")
        }
    }

    func generateDataKey(context: EncryptionContext) throws -> GeneratedDataKey {
        do {
            let r = try client.generateDataKey(keyId: keyId, context: context)
            return GeneratedDataKey(plaintext: r.plaintext, wrapped: r.blob, keyId: r.keyArn)
        } catch let e as KMSError { throw explain(e, action: "kms:GenerateDataKey") }
    }

    func unwrap(_ wrapped: [UInt8], context: EncryptionContext) throws -> SecureBytes {
        do { return try client.decrypt(wrapped, keyArn: keyId, context: context) } catch let e as KMSError {
            throw explain(e, action: "kms:Decrypt")
        }
    }

    /// Adds what DescribeKey says when KMS reports a key state problem (failure path only).
    private func explain(_ error: KMSError, action: String) -> SecretsError {
        var state: KeyDescription?
        if case .service(_, "KMSInvalidStateException", _, _) = error { state = try? client.describeKey(keyId) }
        return Self.translate(error, keyId: keyId, region: client.settings.region, source: client.credentialSource,
                              endpoint: client.settings.endpoint, action: action, state: state)
    }

    static func translate(_ error: KMSError, keyId: String, region: String?, source: String?, endpoint: String?,
                          action: String, state: KeyDescription? = nil) -> SecretsError {
        let key = "KMS key \(keyId)" + (region.map { " (region \($0))" } ?? "")
        let who = source.map { "credentials from \($0)" } ?? "the credentials in use"
        switch error {
        case .service(let op, let type, let message, _):
            let detail = message.isEmpty ? type : "\(type): \(message)"
            switch type {
            case "AccessDeniedException":
                return SecretsError(.key, "\(op) on \(key) was denied for \(who): \(detail)",
                                    hint: "allow \(action) on this key with this encryption context for that identity (aws sts get-caller-identity shows it)")
            case "NotFoundException":
                return SecretsError(.key, "\(key) was not found: \(detail)", hint: "check --kms-id and the region (--region, AWS_REGION)")
            case "DisabledException":
                return SecretsError(.key, "\(key) is disabled", hint: "enable it: aws kms enable-key --key-id \(keyId)")
            case "KMSInvalidStateException":
                switch state?.state {
                case "PendingDeletion":
                    return SecretsError(.key, "\(key) is pending deletion\(state?.deletionDate.map { " (scheduled for \($0))" } ?? "")",
                                        hint: "cancel it while you can: aws kms cancel-key-deletion --key-id \(state?.arn ?? keyId)")
                case "PendingImport":
                    return SecretsError(.key, "\(key) is pending import of key material", hint: "import the key material (aws kms import-key-material)")
                default:
                    return SecretsError(.key, "\(key) is in a state that refuses \(op)\(state.map { " (\($0.state))" } ?? ""): \(detail)",
                                        hint: "aws kms describe-key --key-id \(keyId) shows its state")
                }
            case "InvalidCiphertextException":
                return SecretsError(.key, "KMS refused .key/ciphertext_blob: it was changed, or the encryption context in .key/config.json differs from init's",
                                    hint: "restore both from git: git checkout -- .key/")
            case "IncorrectKeyException":
                return SecretsError(.key, ".key/ciphertext_blob was wrapped by another KMS key than \(keyId)",
                                    hint: "restore .key/ from git; keyArn in .key/config.json must be the key that wrapped it")
            case "UnrecognizedClientException", "InvalidSignatureException", "SignatureDoesNotMatch", "ExpiredTokenException",
                 "InvalidClientTokenId", "IncompleteSignature", "ExpiredToken", "InvalidAccessKeyId":
                return SecretsError(.key, "AWS rejected \(who) (\(type))",
                                    hint: "refresh them (aws sso login, a new session token) and check the secret key and the system clock")
            default:
                return SecretsError(.key, "KMS \(op) on \(key) failed: \(detail)", hint: nil)
            }
        case .retriesExhausted(let attempts, let last):
            let inner = translate(last, keyId: keyId, region: region, source: source, endpoint: endpoint, action: action, state: state)
            return SecretsError(.key, "\(inner.message) (gave up after \(attempts) attempts)",
                                hint: (inner.hint.map { $0 + "; " } ?? "") + "nothing was written; try again later")
        case .transport(let op, let e):
            return SecretsError(.key, "\(op): cannot reach \(endpoint ?? e.url): \(e.message)",
                                hint: e.tls ? "for a private CA set AWS_CA_BUNDLE to its PEM file" : "check the network, HTTPS_PROXY / NO_PROXY, and --endpoint-url")
        case .keyMismatch(let expected, let actual):
            return SecretsError(.key, "KMS answered Decrypt with key \(actual), not the recorded \(expected)",
                                hint: "restore .key/ from git; do not trust this repository's key files until you know why")
        case .noCredentials(let tried):
            return SecretsError(.key, "no AWS credentials found; tried: " + tried.joined(separator: "; "),
                                hint: "set AWS_PROFILE (or --profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run aws configure / aws sso login")
        case .credentialSource(let source, let detail):
            return SecretsError(.key, "AWS credentials from \(source) failed: \(detail)", hint: nil)
        case .noRegion:
            return SecretsError(.config, "no AWS region for \(keyId)", hint: "pass --region, set AWS_REGION, or set region in your AWS profile")
        case .badSetting(let name, let detail):
            return SecretsError(.config, "\(name): \(detail)", hint: nil)
        case .malformedResponse(let op, let detail):
            return SecretsError(.key, "KMS \(op) answered in an unexpected shape: \(detail)", hint: "check --endpoint-url points at KMS")
        }
    }
}
