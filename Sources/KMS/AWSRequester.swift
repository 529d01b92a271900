import CryptoPrimitives
import HTTPTransport
import SigV4

/// Clock, sleep and randomness as parameters, so tests pin them (STYLE.md habit 9).
public struct AWSRuntime: Sendable {
    /// Seconds since 1970 UTC.
    public var now: @Sendable () -> Int64
    /// Monotonic milliseconds, for the retry budget.
    public var monotonicMilliseconds: @Sendable () -> Int
    /// Sleeps.
    public var sleep: @Sendable (_ milliseconds: Int) -> Void
    /// Uniform in [0, 1).
    public var random: @Sendable () -> Double
    /// Debug log sink, or nil. Never receives secrets.
    public var log: (@Sendable (String) -> Void)?

    /// Production defaults.
    public static let live = AWSRuntime(
        now: { Int64(time(nil)) },
        monotonicMilliseconds: {
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            return Int(ts.tv_sec) * 1000 + Int(ts.tv_nsec) / 1_000_000
        },
        sleep: { ms in if ms > 0 { usleep(UInt32(ms) * 1000) } },
        random: { Double.random(in: 0..<1) },
        log: nil)

    /// An environment.
    public init(now: @escaping @Sendable () -> Int64, monotonicMilliseconds: @escaping @Sendable () -> Int,
                sleep: @escaping @Sendable (Int) -> Void, random: @escaping @Sendable () -> Double, log: (@Sendable (String) -> Void)?) {
        self.now = now
        self.monotonicMilliseconds = monotonicMilliseconds
        self.sleep = sleep
        self.random = random
        self.log = log
    }
}

/// One AWS API request before signing.
struct AWSCall {
    var operation: String
    var service: String
    var region: String
    var endpoint: String
    var method = "POST"
    var path = "/"
    var query = ""
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
    var timeouts = Timeouts(connectMilliseconds: 5000, totalMilliseconds: 30_000)
    var retry = RetryPolicy.standard
}

/// Signs (when credentials are given), sends, retries, and turns non-2xx answers into
/// `KMSError.service`.
struct AWSRequester: Sendable {
    let transport: HTTPTransport
    let env: AWSRuntime

    static let redacted: Set<String> = ["authorization", "x-amz-security-token", "x-amz-sso_bearer_token",
                                        "x-aws-ec2-metadata-token", "x-amz-content-sha256"]

    func perform(_ call: AWSCall, credentials: Credentials?) throws -> TransportResponse {
        let started = env.monotonicMilliseconds()
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try once(call, credentials: credentials)
            } catch let error as KMSError {
                let elapsed = env.monotonicMilliseconds() - started
                guard RetryPolicy.isRetryable(error), attempt < call.retry.maxAttempts else {
                    throw attempt > 1 ? KMSError.retriesExhausted(attempts: attempt, last: error) : error
                }
                let delay = call.retry.delay(afterAttempt: attempt - 1, random: env.random())
                guard elapsed + delay < call.retry.budgetMilliseconds else {
                    throw KMSError.retriesExhausted(attempts: attempt, last: error)
                }
                env.log?("retrying \(call.operation) in \(delay) ms after attempt \(attempt)")
                env.sleep(delay)
            }
        }
    }

    private func once(_ call: AWSCall, credentials: Credentials?) throws -> TransportResponse {
        guard let url = EndpointURL(call.endpoint) else {
            throw KMSError.badSetting(name: "endpoint URL \(call.endpoint)", detail: "not a valid http(s) URL")
        }
        let path = url.basePath + (call.path == "/" && !url.basePath.isEmpty ? "" : call.path)
        var headers = [(name: "Host", value: url.hostHeader)] + call.headers
        if let credentials {
            var scope = SigningScope(region: call.region, service: call.service, time: env.now())
            scope.normalizePath = true
            let request = HTTPRequest(method: call.method, path: path.isEmpty ? "/" : path, query: call.query, headers: headers, body: call.body)
            headers = try SigV4.sign(request, credentials: credentials, scope: scope).request.headers
        }
        let target = url.origin + (path.isEmpty ? "/" : path) + (call.query.isEmpty ? "" : "?" + call.query)
        let request = TransportRequest(method: call.method, url: target, headers: headers.filter { $0.name != "Host" } + [("Host", url.hostHeader)],
                                       body: call.body)
        if let log = env.log {
            let shown = request.headers.map { Self.redacted.contains($0.name.lowercased()) ? "\($0.name): <redacted>" : "\($0.name): \($0.value)" }
            log("\(call.operation): \(call.method) \(target) [\(shown.joined(separator: "; "))]")
        }
        let response: TransportResponse
        do { response = try transport.send(request, timeouts: call.timeouts) } catch let e as TransportError {
            env.log?("\(call.operation): no response: \(e.message)")
            throw KMSError.transport(operation: call.operation, e)
        }
        guard (200..<300).contains(response.status) else {
            let (type, message) = AWSErrorParser.parse(status: response.status, headers: response, body: response.body)
            env.log?("\(call.operation): HTTP \(response.status) \(type)")
            throw KMSError.service(operation: call.operation, type: type, message: message, status: response.status)
        }
        env.log?("\(call.operation): HTTP \(response.status)")
        return response
    }
}

/// `scheme://host[:port][/base]`, split for the Host header and request target.
struct EndpointURL {
    let origin: String
    let hostHeader: String
    let basePath: String

    init?(_ text: String) {
        guard let schemeEnd = text.range(of: "://") else { return nil }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = text[schemeEnd.upperBound...]
        let hostPart = rest.prefix { $0 != "/" && $0 != "?" }
        guard !hostPart.isEmpty, !hostPart.contains("@") else { return nil }
        var base = String(rest.dropFirst(hostPart.count).prefix { $0 != "?" })
        while base.hasSuffix("/") { base.removeLast() }
        origin = "\(scheme)://\(hostPart)"
        let defaultPort = scheme == "https" ? ":443" : ":80"
        hostHeader = hostPart.hasSuffix(defaultPort) ? String(hostPart.dropLast(defaultPort.count)) : String(hostPart)
        basePath = base
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
