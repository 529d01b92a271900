/// Capped exponential backoff with full jitter, a bounded number of attempts and total time.
/// SeeAlso: https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// First backoff ceiling in milliseconds.
    public var baseMilliseconds: Int
    /// Largest backoff ceiling.
    public var capMilliseconds: Int
    /// No new attempt starts after this much time since the first.
    public var budgetMilliseconds: Int

    /// The default: 4 attempts, 100 ms doubling to 2 s, 20 s in all.
    public static let standard = RetryPolicy(maxAttempts: 4, baseMilliseconds: 100, capMilliseconds: 2000, budgetMilliseconds: 20_000)

    /// A policy.
    public init(maxAttempts: Int, baseMilliseconds: Int, capMilliseconds: Int, budgetMilliseconds: Int) {
        self.maxAttempts = maxAttempts
        self.baseMilliseconds = baseMilliseconds
        self.capMilliseconds = capMilliseconds
        self.budgetMilliseconds = budgetMilliseconds
    }

    /// Full jitter: a uniform delay in [0, min(cap, base * 2^attempt)]; `random` returns [0, 1).
    public func delay(afterAttempt attempt: Int, random: Double) -> Int {
        let ceiling = min(capMilliseconds, baseMilliseconds << min(attempt, 20))
        return Int(Double(ceiling) * random)
    }

    /// Error types KMS and STS use for throttling.
    static let throttling: Set<String> = ["ThrottlingException", "Throttling", "ThrottledException", "RequestLimitExceeded",
                                          "TooManyRequestsException", "LimitExceededException", "RequestThrottled",
                                          "RequestThrottledException", "SlowDown", "ProvisionedThroughputExceededException"]

    /// Whether an error is worth another attempt.
    static func isRetryable(_ error: KMSError) -> Bool {
        switch error {
        case .service(_, let type, _, let status): return status >= 500 || status == 429 || throttling.contains(type)
        case .transport(_, let e): return e.transient
        default: return false
        }
    }
}
