import CryptoPrimitives
import Foundation
import HTTPTransport
import SigV4

/// What one credential source says.
enum SourceOutcome {
    /// Credentials, ready to sign with.
    case found(Credentials)
    /// The source does not apply here; the reason is reported if no source applies.
    case notApplicable(String)
}

/// One link of the chain: a name and how to resolve it.
struct CredentialSource: Sendable {
    let name: String
    let resolve: @Sendable (CredentialContext) throws -> SourceOutcome
}

/// What sources can use.
struct CredentialContext {
    let settings: AWSSettings
    let requester: AWSRequester
    let profile: String
    var depth = 0
    var env: [String: String] { settings.environment }
    var files: AWSConfigFiles { settings.files }
    func setting(_ key: String) -> String? { nonEmpty(files.config[profile]?[key]) }
}

/// The AWS CLI's credential chain, in its order, written once as data.
/// SeeAlso: https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-quickstart.html#cli-configure-quickstart-precedence
public enum CredentialChain {
    static let sources: [CredentialSource] = [
        .init(name: "environment", resolve: environment),
        .init(name: "assume role (profile role_arn)", resolve: assumeRole),
        .init(name: "web identity", resolve: webIdentity),
        .init(name: "SSO cache", resolve: sso),
        .init(name: "shared credentials file", resolve: credentialsFile),
        .init(name: "credential_process", resolve: credentialProcess),
        .init(name: "config file keys", resolve: configFileKeys),
        .init(name: "container (ECS)", resolve: container),
        .init(name: "EC2 instance metadata (IMDSv2)", resolve: instanceMetadata),
    ]

    /// The first source that applies, and its name. A source that applies but fails stops the
    /// chain (as the CLI does): a broken credential_process must not fall through to another identity.
    static func resolve(_ context: CredentialContext) throws -> (Credentials, String) {
        var tried: [String] = []
        for source in sources {
            switch try source.resolve(context) {
            case .found(let credentials): return (credentials, source.name)
            case .notApplicable(let why): tried.append("\(source.name): \(why)")
            }
        }
        throw KMSError.noCredentials(tried: tried)
    }

    // MARK: sources

    static func environment(_ c: CredentialContext) throws -> SourceOutcome {
        if c.settings.profileFromFlag && c.depth == 0 { return .notApplicable("skipped because --profile was given") }
        guard c.depth == 0 else { return .notApplicable("not used for a source profile") }
        guard let id = nonEmpty(c.env["AWS_ACCESS_KEY_ID"]) else { return .notApplicable("AWS_ACCESS_KEY_ID is not set") }
        guard let secret = nonEmpty(c.env["AWS_SECRET_ACCESS_KEY"]) else {
            return .notApplicable("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        }
        return .found(make(id, secret, nonEmpty(c.env["AWS_SESSION_TOKEN"])))
    }

    static func credentialsFile(_ c: CredentialContext) throws -> SourceOutcome {
        guard let section = c.files.credentials[c.profile] else { return .notApplicable("no [\(c.profile)] in \(c.files.credentialsPath)") }
        guard let id = nonEmpty(section["aws_access_key_id"]), let secret = nonEmpty(section["aws_secret_access_key"]) else {
            return .notApplicable("[\(c.profile)] in \(c.files.credentialsPath) has no aws_access_key_id/aws_secret_access_key")
        }
        return .found(make(id, secret, nonEmpty(section["aws_session_token"])))
    }

    static func configFileKeys(_ c: CredentialContext) throws -> SourceOutcome {
        guard let id = c.setting("aws_access_key_id"), let secret = c.setting("aws_secret_access_key") else {
            return .notApplicable("profile \(c.profile) in \(c.files.configPath) has no keys")
        }
        return .found(make(id, secret, c.setting("aws_session_token")))
    }

    static func credentialProcess(_ c: CredentialContext) throws -> SourceOutcome {
        guard let command = c.setting("credential_process") else { return .notApplicable("profile \(c.profile) has no credential_process") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = c.env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            throw KMSError.credentialSource(source: "credential_process", detail: "cannot start \(command): \(error)")
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw KMSError.credentialSource(source: "credential_process",
                                            detail: "\(command) exited \(process.terminationStatus): \(errText.split(separator: "\n").first ?? "")")
        }
        guard let json = try? JSON.parseObject(Array(data)), json["Version"] as? Int == 1,
              let id = json["AccessKeyId"] as? String, let secret = json["SecretAccessKey"] as? String else {
            throw KMSError.credentialSource(source: "credential_process", detail: "\(command) did not print Version 1 JSON with AccessKeyId and SecretAccessKey")
        }
        return .found(make(id, secret, json["SessionToken"] as? String))
    }

    static func assumeRole(_ c: CredentialContext) throws -> SourceOutcome {
        guard let roleArn = c.setting("role_arn") else { return .notApplicable("profile \(c.profile) has no role_arn") }
        guard c.setting("web_identity_token_file") == nil else { return .notApplicable("role_arn is used with web_identity_token_file") }
        guard c.depth < 5 else { throw KMSError.credentialSource(source: "assume role", detail: "source_profile chain deeper than 5") }
        let base: Credentials
        if let sourceProfile = c.setting("source_profile") {
            var inner = CredentialContext(settings: c.settings, requester: c.requester, profile: sourceProfile)
            inner.depth = c.depth + 1
            // A source profile with static keys is used as is, even if it also names a role.
            if case .found(let creds) = try credentialsFile(inner) { base = creds }
            else { base = try resolve(inner).0 }
        } else if let source = c.setting("credential_source") {
            let pick: (CredentialContext) throws -> SourceOutcome = switch source {
            case "Environment": { ctx in try environment(CredentialContext(settings: ctx.settings, requester: ctx.requester, profile: ctx.profile)) }
            case "Ec2InstanceMetadata": instanceMetadata
            case "EcsContainer": container
            default: throw KMSError.badSetting(name: "credential_source \(source)", detail: "expected Environment, Ec2InstanceMetadata or EcsContainer")
            }
            guard case .found(let creds) = try pick(c) else {
                throw KMSError.credentialSource(source: "assume role", detail: "credential_source \(source) gave no credentials")
            }
            base = creds
        } else {
            throw KMSError.credentialSource(source: "assume role", detail: "profile \(c.profile) has role_arn but neither source_profile nor credential_source")
        }
        var form = ["Action": "AssumeRole", "Version": "2011-06-15", "RoleArn": roleArn,
                    "RoleSessionName": c.setting("role_session_name") ?? "secrets-\(c.requester.env.now())"]
        if let external = c.setting("external_id") { form["ExternalId"] = external }
        if let duration = c.setting("duration_seconds") { form["DurationSeconds"] = duration }
        return .found(try sts(c, form: form, signedWith: base, operation: "AssumeRole"))
    }

    static func webIdentity(_ c: CredentialContext) throws -> SourceOutcome {
        let tokenFile = c.setting("web_identity_token_file") ?? (c.depth == 0 ? nonEmpty(c.env["AWS_WEB_IDENTITY_TOKEN_FILE"]) : nil)
        let roleArn = c.setting("web_identity_token_file") != nil ? c.setting("role_arn") : nonEmpty(c.env["AWS_ROLE_ARN"])
        guard let tokenFile else { return .notApplicable("no web_identity_token_file in profile \(c.profile) and AWS_WEB_IDENTITY_TOKEN_FILE is not set") }
        guard let roleArn else { throw KMSError.credentialSource(source: "web identity", detail: "token file \(tokenFile) is set but no role ARN (AWS_ROLE_ARN or role_arn)") }
        guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
            throw KMSError.credentialSource(source: "web identity", detail: "cannot read token file \(tokenFile)")
        }
        let form = ["Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15", "RoleArn": roleArn,
                    "RoleSessionName": c.setting("role_session_name") ?? nonEmpty(c.env["AWS_ROLE_SESSION_NAME"]) ?? "secrets-\(c.requester.env.now())",
                    "WebIdentityToken": token.trimmingCharacters(in: .whitespacesAndNewlines)]
        return .found(try sts(c, form: form, signedWith: nil, operation: "AssumeRoleWithWebIdentity"))
    }

    static func sso(_ c: CredentialContext) throws -> SourceOutcome {
        let session = c.setting("sso_session")
        let sessionSection = session.flatMap { c.files.ssoSessions[$0] }
        guard let accountId = c.setting("sso_account_id"), let roleName = c.setting("sso_role_name") else {
            return .notApplicable("profile \(c.profile) has no sso_account_id/sso_role_name")
        }
        guard let ssoRegion = sessionSection?["sso_region"] ?? c.setting("sso_region"),
              let startURL = sessionSection?["sso_start_url"] ?? c.setting("sso_start_url") else {
            throw KMSError.credentialSource(source: "SSO", detail: "profile \(c.profile) lacks sso_region or sso_start_url")
        }
        guard isValidRegion(ssoRegion) else { throw KMSError.badSetting(name: "sso_region \(ssoRegion)", detail: "not a region name") }
        // The AWS CLI names its token cache file after SHA-1 of the session name (or start URL).
        let cacheKey = try hexSHA1(session ?? startURL)
        let home = c.env["HOME"] ?? ""
        let cachePath = "\(home)/.aws/sso/cache/\(cacheKey).json"
        let relogin = "run: aws sso login --profile \(c.profile)"
        guard let data = FileManager.default.contents(atPath: cachePath), let cache = try? JSON.parseObject(Array(data)),
              let token = cache["accessToken"] as? String else {
            throw KMSError.credentialSource(source: "SSO", detail: "no cached SSO token at \(cachePath); \(relogin)")
        }
        if let expires = cache["expiresAt"] as? String, let date = ISO8601DateFormatter().date(from: expires.replacingOccurrences(of: "UTC", with: "Z")),
           Int64(date.timeIntervalSince1970) <= c.requester.env.now() {
            throw KMSError.credentialSource(source: "SSO", detail: "the cached SSO token expired at \(expires); \(relogin)")
        }
        var call = AWSCall(operation: "GetRoleCredentials", service: "awsssoportal", region: ssoRegion,
                           endpoint: c.settings.endpoint(service: "sso", defaultHost: "portal.sso.\(ssoRegion).amazonaws.com"))
        call.method = "GET"
        call.path = "/federation/credentials"
        call.query = "account_id=\(SigV4.encode(accountId, keepSlash: false))&role_name=\(SigV4.encode(roleName, keepSlash: false))"
        call.headers = [("x-amz-sso_bearer_token", token)]
        let response = try c.requester.perform(call, credentials: nil)
        guard let json = try? JSON.parseObject(response.body), let role = json["roleCredentials"] as? [String: Any],
              let id = role["accessKeyId"] as? String, let secret = role["secretAccessKey"] as? String else {
            throw KMSError.malformedResponse(operation: "GetRoleCredentials", detail: "no roleCredentials")
        }
        return .found(make(id, secret, role["sessionToken"] as? String))
    }

    static func container(_ c: CredentialContext) throws -> SourceOutcome {
        let url: String
        if let relative = nonEmpty(c.env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]) {
            url = "http://169.254.170.2" + relative
        } else if let full = nonEmpty(c.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"]) {
            guard isAllowedContainerURL(full) else {
                throw KMSError.badSetting(name: "AWS_CONTAINER_CREDENTIALS_FULL_URI", detail: "\(full) must be https, or http on a loopback or ECS/EKS address")
            }
            url = full
        } else {
            return .notApplicable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set")
        }
        var token = nonEmpty(c.env["AWS_CONTAINER_AUTHORIZATION_TOKEN"])
        if let file = nonEmpty(c.env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]) {
            token = (try? String(contentsOfFile: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let endpoint = EndpointURL(url) else { throw KMSError.badSetting(name: "container credentials URL", detail: url) }
        var call = AWSCall(operation: "container credentials", service: "", region: "", endpoint: endpoint.origin)
        call.method = "GET"
        let pathAndQuery = String(url.dropFirst(endpoint.origin.count))
        let parts = pathAndQuery.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        call.path = parts.first.map(String.init).flatMap(nonEmpty) ?? "/"
        call.query = parts.count > 1 ? String(parts[1]) : ""
        if let token { call.headers = [("Authorization", token)] }
        call.timeouts = metadataTimeouts(c)
        call.retry = metadataRetry(c)
        let body = try c.requester.perform(call, credentials: nil).body
        return .found(try temporaryCredentials(body, source: "container endpoint \(url)"))
    }

    static func instanceMetadata(_ c: CredentialContext) throws -> SourceOutcome {
        if c.env["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" { return .notApplicable("AWS_EC2_METADATA_DISABLED=true") }
        let base = nonEmpty(c.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"]) ?? "http://169.254.169.254"
        // Short limits and one attempt, so a laptop without IMDS is not slowed down.
        func call(_ method: String, _ path: String, _ headers: [(name: String, value: String)]) -> AWSCall {
            var call = AWSCall(operation: "IMDS \(path)", service: "", region: "", endpoint: base)
            call.method = method
            call.path = path
            call.headers = headers
            call.timeouts = metadataTimeouts(c)
            call.retry = metadataRetry(c)
            return call
        }
        let tokenResponse: TransportResponse
        do {
            tokenResponse = try c.requester.perform(call("PUT", "/latest/api/token", [("X-aws-ec2-metadata-token-ttl-seconds", "21600")]), credentials: nil)
        } catch KMSError.transport(_, let e) {
            return .notApplicable("no answer from \(base) (\(e.message))")
        }
        let token = String(decoding: tokenResponse.body, as: UTF8.self)
        let auth = [(name: "X-aws-ec2-metadata-token", value: token)]
        let listing = try c.requester.perform(call("GET", "/latest/meta-data/iam/security-credentials/", auth), credentials: nil)
        guard let role = String(decoding: listing.body, as: UTF8.self).split(separator: "\n").first.map(String.init), !role.isEmpty else {
            return .notApplicable("the instance has no IAM role")
        }
        let body = try c.requester.perform(call("GET", "/latest/meta-data/iam/security-credentials/\(role)", auth), credentials: nil).body
        return .found(try temporaryCredentials(body, source: "instance metadata role \(role)"))
    }

    // MARK: helpers

    /// AWS_METADATA_SERVICE_TIMEOUT (seconds, default 1) and _NUM_ATTEMPTS (default 1), as the
    /// AWS CLI reads them for IMDS and container credentials.
    static func metadataTimeouts(_ c: CredentialContext) -> Timeouts {
        let seconds = c.env["AWS_METADATA_SERVICE_TIMEOUT"].flatMap(Double.init).map { max(0.1, min($0, 60)) } ?? 1
        return Timeouts(connectMilliseconds: Int(seconds * 1000), totalMilliseconds: Int(seconds * 1000))
    }

    static func metadataRetry(_ c: CredentialContext) -> RetryPolicy {
        let attempts = c.env["AWS_METADATA_SERVICE_NUM_ATTEMPTS"].flatMap(Int.init).map { max(1, min($0, 10)) } ?? 1
        return RetryPolicy(maxAttempts: attempts, baseMilliseconds: 100, capMilliseconds: 1000, budgetMilliseconds: 10_000)
    }

    static func sts(_ c: CredentialContext, form: [String: String], signedWith credentials: Credentials?, operation: String) throws -> Credentials {
        let region = c.settings.region
        var call = AWSCall(operation: operation, service: "sts", region: region,
                           endpoint: c.settings.endpoint(service: "sts", defaultHost: "sts.\(region).amazonaws.com"))
        call.headers = [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]
        call.body = Array(form.keys.sorted().map { "\(SigV4.encode($0, keepSlash: false))=\(SigV4.encode(form[$0]!, keepSlash: false))" }
            .joined(separator: "&").utf8)
        let response = try c.requester.perform(call, credentials: credentials)
        let text = String(decoding: response.body, as: UTF8.self)
        guard let id = AWSErrorParser.xmlValue(text, tag: "AccessKeyId"), let secret = AWSErrorParser.xmlValue(text, tag: "SecretAccessKey") else {
            throw KMSError.malformedResponse(operation: operation, detail: "no Credentials in the STS response")
        }
        return make(id, secret, AWSErrorParser.xmlValue(text, tag: "SessionToken"))
    }

    static func temporaryCredentials(_ body: [UInt8], source: String) throws -> Credentials {
        guard let json = try? JSON.parseObject(body), let id = json["AccessKeyId"] as? String,
              let secret = json["SecretAccessKey"] as? String else {
            throw KMSError.credentialSource(source: source, detail: "answer lacks AccessKeyId/SecretAccessKey")
        }
        return make(id, secret, (json["Token"] as? String) ?? (json["SessionToken"] as? String))
    }

    static func make(_ id: String, _ secret: String, _ token: String?) -> Credentials {
        var bytes = Array(secret.utf8)
        return Credentials(accessKeyId: id, secretAccessKey: SecureBytes(consuming: &bytes), sessionToken: token)
    }

    static func isAllowedContainerURL(_ url: String) -> Bool {
        if url.hasPrefix("https://") { return true }
        guard let e = EndpointURL(url) else { return false }
        let host = e.hostHeader.hasPrefix("[") ? String(e.hostHeader.prefix { $0 != "]" }) + "]" : String(e.hostHeader.prefix { $0 != ":" })
        return host == "localhost" || host.hasPrefix("127.") || host == "[::1]" || host == "169.254.170.2" || host == "169.254.170.23"
    }

    static func hexSHA1(_ s: String) throws -> String {
        try Digest.hash(.sha1, Array(s.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
