import XCTest
import Foundation
import SecretsTestSupport

/// Credential sources and KMS answers that moto cannot produce, served by a loopback stub with
/// the real AWS shapes (tools/testenv/aws_stub.py). The binary under test is unchanged.
final class KMSStubTests: XCTestCase {
    static let arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    static let dataKey = Data((0..<32).map { UInt8($0 * 7 % 256) }).base64EncodedString()

    static func kmsSuccess(arn: String = arn) -> [[String: Any]] {
        [
            ["match": ["target": "TrentService.GenerateDataKey"],
             "responses": [["status": 200, "body": #"{"CiphertextBlob": "\#(Data("wrapped-by-stub".utf8).base64EncodedString())", "KeyId": "\#(arn)", "Plaintext": "\#(dataKey)"}"#]]],
            ["match": ["target": "TrentService.Decrypt"],
             "responses": [["status": 200, "body": #"{"KeyId": "\#(arn)", "Plaintext": "\#(dataKey)", "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}"#]]],
        ]
    }

    static func error(_ target: String, status: Int = 400, type: String, message: String = "stub says no") -> [String: Any] {
        ["match": ["target": "TrentService.\(target)"],
         "responses": [["status": status, "headers": ["X-Amzn-ErrorType": type.split(separator: "#").last.map(String.init) ?? type],
                        "body": #"{"__type": "\#(type)", "Message": "\#(message)"}"#]]]
    }

    /// A repo whose KMS endpoint is `endpoint` (default the stub); `keys` adds static test keys.
    private func fixture(_ stub: LoopbackStub?, endpoint: String? = nil, keys: Bool = false) throws -> GitFixture {
        let fx = try GitFixture()
        fx.environment["AWS_REGION"] = "us-east-1"
        fx.environment["AWS_ENDPOINT_URL_KMS"] = endpoint ?? stub?.url
        if keys {
            fx.environment["AWS_ACCESS_KEY_ID"] = "AKIDTEST"
            fx.environment["AWS_SECRET_ACCESS_KEY"] = "secret"
        }
        // Generous metadata limits: a busy CI machine must not turn a slow stub into a failure.
        fx.environment["AWS_METADATA_SERVICE_TIMEOUT"] = "10"
        return fx
    }

    private func initAndCredentialUsed(_ fx: GitFixture, _ stub: LoopbackStub, _ extra: [String] = []) throws -> (RunResult, String?) {
        let r = try fx.secrets(["init", "--kms-id", Self.arn] + extra)
        return (r, try stub.kmsCalls("GenerateDataKey").last.flatMap(LoopbackStub.accessKeyId))
    }

    // MARK: credential sources

    func testProfileFlagSkipsEnvironmentButAWSProfileDoesNot() throws {
        let stub = try LoopbackStub(rules: Self.kmsSuccess())
        let fx = try fixture(stub)
        try fx.write("../home/.aws/credentials", "[dev]\naws_access_key_id = AKIDFROMFILE\naws_secret_access_key = filesecret\n")
        fx.environment["AWS_ACCESS_KEY_ID"] = "AKIDFROMENV"
        fx.environment["AWS_SECRET_ACCESS_KEY"] = "envsecret"
        var (r, used) = try initAndCredentialUsed(fx, stub, ["--profile", "dev"])
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(used, "AKIDFROMFILE")
        try FileManager.default.removeItem(atPath: fx.root + "/.key")
        fx.environment["AWS_PROFILE"] = "dev"
        (r, used) = try initAndCredentialUsed(fx, stub)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(used, "AKIDFROMENV", "as in the AWS CLI, environment keys beat AWS_PROFILE")
    }

    func testCredentialProcessAndItsFailure() throws {
        let stub = try LoopbackStub(rules: Self.kmsSuccess())
        let fx = try fixture(stub)
        try fx.write("../home/.aws/config", """
        [profile proc]
        credential_process = printf '{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "s", "SessionToken": "tok-proc"}'
        [profile broken]
        credential_process = sh -c 'echo "token expired, log in again" >&2; exit 3'
        """)
        fx.environment["AWS_PROFILE"] = "proc"
        let (r, used) = try initAndCredentialUsed(fx, stub)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(used, "AKIDPROCESS")
        XCTAssertEqual((try stub.kmsCalls().last?["headers"] as? [String: String])?["x-amz-security-token"], "tok-proc")

        try FileManager.default.removeItem(atPath: fx.root + "/.key")
        fx.environment["AWS_PROFILE"] = "broken"
        let failed = try fx.secrets("init", "--kms-id", Self.arn)
        XCTAssertEqual(failed.status, 5, "\(failed)")
        XCTAssertTrue(failed.stderr.contains("AWS credentials from credential_process failed"), failed.stderr)
        XCTAssertTrue(failed.stderr.contains("exited 3: token expired, log in again"), failed.stderr)
    }

    func testAssumeRoleWithSourceProfileSignsSTSWithTheSourceKeys() throws {
        let sts = #"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>AKIDASSUMED</AccessKeyId><SecretAccessKey>assumedsecret</SecretAccessKey><SessionToken>tok-assumed</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>"#
        let stub = try LoopbackStub(rules: Self.kmsSuccess() + [["match": ["method": "POST", "body": "Action=AssumeRole&"], "responses": [["status": 200, "body": sts]]]])
        let fx = try fixture(stub)
        fx.environment["AWS_ENDPOINT_URL_STS"] = stub.url
        try fx.write("../home/.aws/credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = basesecret\n")
        try fx.write("../home/.aws/config", "[profile deploy]\nrole_arn = arn:aws:iam::111122223333:role/deploy\nsource_profile = base\nrole_session_name = ci\n")
        let (r, used) = try initAndCredentialUsed(fx, stub, ["--profile", "deploy"])
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(used, "AKIDASSUMED")
        let stsCall = try XCTUnwrap(try stub.requests().first { ($0["body"] as? String)?.contains("Action=AssumeRole") == true })
        XCTAssertEqual(LoopbackStub.accessKeyId(stsCall), "AKIDBASE", "STS is signed with the source profile's keys")
        XCTAssertTrue((stsCall["body"] as? String)?.contains("RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fdeploy") == true)
        XCTAssertEqual((try stub.kmsCalls().last?["headers"] as? [String: String])?["x-amz-security-token"], "tok-assumed")
    }

    func testWebIdentityFromEnvironmentAsCISystemsUse() throws {
        let sts = #"<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>AKIDWEBID</AccessKeyId><SecretAccessKey>w</SecretAccessKey><SessionToken>tok-web</SessionToken></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"#
        let stub = try LoopbackStub(rules: Self.kmsSuccess() + [["match": ["body": "WebIdentityToken=oidc-token-123"], "responses": [["status": 200, "body": sts]]]])
        let fx = try fixture(stub)
        fx.environment["AWS_ENDPOINT_URL_STS"] = stub.url
        try fx.write("../oidc-token", "oidc-token-123\n")
        fx.environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = fx.scratch.path + "/oidc-token"
        fx.environment["AWS_ROLE_ARN"] = "arn:aws:iam::111122223333:role/ci"
        let (r, used) = try initAndCredentialUsed(fx, stub)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(used, "AKIDWEBID")
        let stsCall = try XCTUnwrap(try stub.requests().first { ($0["body"] as? String)?.contains("AssumeRoleWithWebIdentity") == true })
        XCTAssertNil((stsCall["headers"] as? [String: String])?["authorization"], "AssumeRoleWithWebIdentity is unsigned")
    }

    func testSSOCacheAndExpiredToken() throws {
        let role = #"{"roleCredentials": {"accessKeyId": "AKIDSSO", "secretAccessKey": "ssosecret", "sessionToken": "tok-sso", "expiration": 4102444800000}}"#
        let stub = try LoopbackStub(rules: Self.kmsSuccess() + [["match": ["path": "/federation/credentials", "header": ["x-amz-sso_bearer_token": "sso-access-token"]],
                                                                 "responses": [["status": 200, "body": role]]]])
        let fx = try fixture(stub)
        fx.environment["AWS_ENDPOINT_URL_SSO"] = stub.url
        try fx.write("../home/.aws/config", """
        [profile sso]
        sso_session = corp
        sso_account_id = 111122223333
        sso_role_name = Developer
        [sso-session corp]
        sso_region = us-east-1
        sso_start_url = https://corp.awsapps.com/start
        """)
        let cacheName = try fx.sh("printf corp | sha1sum | cut -c1-40").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try fx.write("../home/.aws/sso/cache/\(cacheName).json", #"{"accessToken": "sso-access-token", "expiresAt": "2099-01-01T00:00:00Z"}"#)
        let (r, used) = try initAndCredentialUsed(fx, stub, ["--profile", "sso"])
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(used, "AKIDSSO")

        try FileManager.default.removeItem(atPath: fx.root + "/.key")
        try fx.write("../home/.aws/sso/cache/\(cacheName).json", #"{"accessToken": "sso-access-token", "expiresAt": "2001-01-01T00:00:00Z"}"#)
        let expired = try fx.secrets("init", "--kms-id", Self.arn, "--profile", "sso")
        XCTAssertEqual(expired.status, 5)
        XCTAssertTrue(expired.stderr.contains("expired") && expired.stderr.contains("aws sso login --profile sso"), expired.stderr)
    }

    func testContainerCredentialsWithAuthToken() throws {
        let creds = #"{"AccessKeyId": "AKIDECS", "SecretAccessKey": "e", "Token": "tok-ecs", "Expiration": "2099-01-01T00:00:00Z"}"#
        let stub = try LoopbackStub(rules: Self.kmsSuccess() + [["match": ["path": "/v2/credentials", "header": ["authorization": "container-auth"]],
                                                                 "responses": [["status": 200, "body": creds]]]])
        let fx = try fixture(stub)
        fx.environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = stub.url + "/v2/credentials"
        try fx.write("../ecs-token", "container-auth\n")
        fx.environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = fx.scratch.path + "/ecs-token"
        let (r, used) = try initAndCredentialUsed(fx, stub)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(used, "AKIDECS")
    }

    func testIMDSv2AsksForATokenFirst() throws {
        let creds = #"{"Code": "Success", "AccessKeyId": "AKIDIMDS", "SecretAccessKey": "i", "Token": "tok-imds"}"#
        let stub = try LoopbackStub(rules: Self.kmsSuccess() + [
            ["match": ["method": "PUT", "path": "/latest/api/token", "header": ["x-aws-ec2-metadata-token-ttl-seconds": "21600"]],
             "responses": [["status": 200, "body": "imds-session"]]],
            ["match": ["path": "/latest/meta-data/iam/security-credentials/", "header": ["x-aws-ec2-metadata-token": "imds-session"]],
             "responses": [["status": 200, "body": "web-role"]]],
            ["match": ["path": "/latest/meta-data/iam/security-credentials/web-role", "header": ["x-aws-ec2-metadata-token": "imds-session"]],
             "responses": [["status": 200, "body": creds]]],
        ])
        let fx = try fixture(stub)
        fx.environment["AWS_EC2_METADATA_DISABLED"] = nil
        fx.environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = stub.url
        let (r, used) = try initAndCredentialUsed(fx, stub)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(used, "AKIDIMDS")
        XCTAssertEqual(try stub.requests().first?["method"] as? String, "PUT", "the IMDSv2 token comes first")
    }

    func testNoCredentialsListsEverySourceTried() throws {
        let stub = try LoopbackStub(rules: Self.kmsSuccess())
        let fx = try fixture(stub)
        fx.environment["AWS_EC2_METADATA_DISABLED"] = nil
        fx.environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:9"
        let r = try fx.secrets("init", "--kms-id", Self.arn)
        XCTAssertEqual(r.status, 5, "\(r)")
        let line = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
        for fragment in ["no AWS credentials found; tried: environment: AWS_ACCESS_KEY_ID is not set", "shared credentials file: no [default]",
                         "credential_process: profile default has no credential_process", "container (ECS): AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                         "EC2 instance metadata (IMDSv2): no answer from http://127.0.0.1:9"] {
            XCTAssertTrue(line.contains(fragment), "missing \(fragment) in \(line)")
        }
        XCTAssertTrue(try stub.kmsCalls().isEmpty)
    }

    // MARK: KMS answers moto does not model

    private func initialisedWithStub(_ rules: [[String: Any]]) throws -> (GitFixture, LoopbackStub) {
        // Error rules first: the stub uses the first rule that matches.
        let stub = try LoopbackStub(rules: rules + Self.kmsSuccess())
        return (try fixture(stub, keys: true), stub)
    }

    func testKeyStatesAndErrorShapes() throws {
        let cases: [([[String: Any]], String, String)] = [
            ([Self.error("GenerateDataKey", type: "com.amazonaws.kms#DisabledException")], "is disabled", "aws kms enable-key"),
            ([Self.error("GenerateDataKey", type: "KMSInvalidStateException"),
              ["match": ["target": "TrentService.DescribeKey"], "responses": [["status": 200, "body": #"{"KeyMetadata": {"Arn": "\#(Self.arn)", "KeyState": "PendingDeletion", "DeletionDate": 4102444800}}"#]]]],
             "is pending deletion (scheduled for 4102444800)", "aws kms cancel-key-deletion"),
            ([Self.error("GenerateDataKey", type: "KMSInvalidStateException"),
              ["match": ["target": "TrentService.DescribeKey"], "responses": [["status": 200, "body": #"{"KeyMetadata": {"Arn": "\#(Self.arn)", "KeyState": "PendingImport"}}"#]]]],
             "is pending import of key material", "import-key-material"),
            ([["match": ["target": "TrentService.GenerateDataKey"],
               "responses": [["status": 400, "headers": ["X-Amzn-ErrorType": "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/"], "body": ""]]]],
             "was denied for credentials from environment", "allow kms:GenerateDataKey"),
            ([Self.error("GenerateDataKey", type: "NotFoundException", message: "Alias is not found.")], "was not found: NotFoundException: Alias is not found.", "--region"),
            ([Self.error("GenerateDataKey", type: "ExpiredTokenException")], "AWS rejected credentials from environment (ExpiredTokenException)", "refresh"),
        ]
        for (rules, message, hint) in cases {
            let (fx, stub) = try initialisedWithStub(rules)
            let r = try withExtendedLifetime(stub) { try fx.secrets("init", "--kms-id", Self.arn) }
            XCTAssertEqual(r.status, 5, "\(message): \(r)")
            XCTAssertTrue(r.stderr.contains(message), "expected \(message) in \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("secrets: hint: ") && r.stderr.contains(hint), "expected hint \(hint) in \(r.stderr)")
            XCTAssertFalse(fx.exists(".key/config.json"), "nothing written on failure")
        }
    }

    func testIncorrectKeyAndAnsweringKeyMismatchOnDecrypt() throws {
        for (rule, message) in [
            (Self.error("Decrypt", type: "IncorrectKeyException"), "was wrapped by another KMS key than"),
            (["match": ["target": "TrentService.Decrypt"],
              "responses": [["status": 200, "body": #"{"KeyId": "arn:aws:kms:us-east-1:111122223333:key/other", "Plaintext": "\#(Self.dataKey)"}"#]]],
             "KMS answered Decrypt with key arn:aws:kms:us-east-1:111122223333:key/other, not the recorded"),
        ] as [([String: Any], String)] {
            let (fx, stub) = try initialisedWithStub([rule])
            let r = try withExtendedLifetime(stub) { () throws -> RunResult in
                try fx.check(fx.secrets("init", "--kms-id", Self.arn))
                return try fx.secrets("status")
            }
            XCTAssertEqual(r.status, 5, "\(r)")
            XCTAssertTrue(r.stderr.contains(message), r.stderr)
        }
    }

    func testThrottlingAndServerErrorsAreRetriedThenGivenUp() throws {
        let flaky: [String: Any] = ["match": ["target": "TrentService.GenerateDataKey"], "responses": [
            ["status": 400, "body": #"{"__type": "ThrottlingException", "message": "Rate exceeded"}"#],
            ["status": 500, "body": #"{"__type": "KMSInternalException"}"#],
            ["status": 200, "body": #"{"CiphertextBlob": "YmxvYg==", "KeyId": "\#(Self.arn)", "Plaintext": "\#(Self.dataKey)"}"#],
        ]]
        var (fx, stub) = try initialisedWithStub([flaky])
        let ok = try fx.secrets("init", "--kms-id", Self.arn)
        XCTAssertEqual(ok.status, 0, "\(ok)")
        XCTAssertEqual(try stub.kmsCalls("GenerateDataKey").count, 3)

        (fx, stub) = try initialisedWithStub([Self.error("GenerateDataKey", type: "ThrottlingException")])
        let failed = try fx.secrets("init", "--kms-id", Self.arn)
        XCTAssertEqual(failed.status, 5)
        XCTAssertTrue(failed.stderr.contains("(gave up after 4 attempts)"), failed.stderr)
        XCTAssertEqual(try stub.kmsCalls("GenerateDataKey").count, 4)
        XCTAssertFalse(fx.exists(".key"))

        // Client errors are not retried.
        (fx, stub) = try initialisedWithStub([Self.error("GenerateDataKey", type: "AccessDeniedException")])
        XCTAssertEqual(try fx.secrets("init", "--kms-id", Self.arn).status, 5)
        XCTAssertEqual(try stub.kmsCalls("GenerateDataKey").count, 1)
    }

    func testUnreachableEndpoint() throws {
        let fx = try fixture(nil, endpoint: "http://127.0.0.1:9", keys: true)
        let r = try fx.secrets("init", "--kms-id", Self.arn)
        XCTAssertEqual(r.status, 5, "\(r)")
        XCTAssertTrue(r.stderr.contains("cannot reach http://127.0.0.1:9"), r.stderr)
        XCTAssertTrue(r.stderr.contains("HTTPS_PROXY"), r.stderr)
    }

    // MARK: transport settings

    func testProxyFromEnvironmentAndNoProxy() throws {
        let stub = try LoopbackStub(rules: Self.kmsSuccess())
        // The endpoint does not resolve; only the proxy can reach it.
        let fx = try fixture(stub, endpoint: "http://kms.secrets-test.invalid", keys: true)
        fx.environment["http_proxy"] = stub.url
        let r = try fx.secrets("init", "--kms-id", Self.arn)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(try stub.kmsCalls("GenerateDataKey").first?["path"] as? String, "http://kms.secrets-test.invalid/")
        try FileManager.default.removeItem(atPath: fx.root + "/.key")
        fx.environment["NO_PROXY"] = "secrets-test.invalid"
        let direct = try fx.secrets("init", "--kms-id", Self.arn)
        XCTAssertEqual(direct.status, 5, "NO_PROXY must bypass the proxy: \(direct)")
        XCTAssertEqual(try stub.kmsCalls("GenerateDataKey").count, 1)
    }

    func testTLSIsVerifiedAndAWSCABundleIsHonoured() throws {
        let dir = try TemporaryDirectory("tls")
        let made = try CommandRunner.run(CommandRunner.which("openssl") ?? "/usr/bin/openssl",
                                         ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                                          "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "key.pem", "-out", "cert.pem"],
                                         cwd: dir.path, environment: ProcessInfo.processInfo.environment)
        XCTAssertEqual(made.status, 0, "\(made)")
        let stub = try LoopbackStub(rules: Self.kmsSuccess(), tls: (dir.path + "/cert.pem", dir.path + "/key.pem"))
        let fx = try fixture(stub, keys: true)
        let refused = try fx.secrets("init", "--kms-id", Self.arn)
        XCTAssertEqual(refused.status, 5, "\(refused)")
        XCTAssertTrue(refused.stderr.contains("AWS_CA_BUNDLE"), refused.stderr)
        XCTAssertTrue(try stub.kmsCalls().isEmpty, "nothing is sent over an unverified connection")
        fx.environment["AWS_CA_BUNDLE"] = dir.path + "/cert.pem"
        let trusted = try fx.secrets("init", "--kms-id", Self.arn)
        XCTAssertEqual(trusted.status, 0, "\(trusted)")
        XCTAssertEqual(try stub.kmsCalls("GenerateDataKey").count, 1)
    }
}
