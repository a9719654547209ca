namespace ClaudeRunner.EndToEnd.Tests.Harness;

/// <summary>
/// How <see cref="MockAnthropicApi"/> answers the <c>POST /v1/messages</c> requests of the prompts it
/// is registered for (<see cref="MockAnthropicApi.When"/>). A behaviour is stateful: it counts the
/// requests it has answered (<see cref="Calls"/>), which is how <see cref="FailFirst(int, MockBehaviour, MockBehaviour)"/>
/// and <see cref="Sequence"/> work. Use a fresh instance per registration.
/// </summary>
public sealed class MockBehaviour
{
    /// <summary>The final text of <see cref="ToolUseThenReply(string, string)"/> unless given.</summary>
    public const string ToolRoundTripReplyText = "The tool said hi.";

    private readonly Func<int, MockRequest, MockResponse> _respond;
    private int _calls;

    private MockBehaviour(Func<int, MockRequest, MockResponse> respond) => _respond = respond;

    /// <summary>How many requests this behaviour has answered so far.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>
    /// A behaviour from a function of (n, request) where n is 1 for the first request this behaviour
    /// answers, 2 for the second, … Requests of every process that matched it are counted together.
    /// </summary>
    public static MockBehaviour Custom(Func<int, MockRequest, MockResponse> respond)
    {
        ArgumentNullException.ThrowIfNull(respond);
        return new MockBehaviour(respond);
    }

    /// <summary>Always answer with the same response.</summary>
    public static MockBehaviour Always(MockResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new MockBehaviour((_, _) => response);
    }

    /// <summary>Reply with <paramref name="text"/>, optionally after <paramref name="delay"/>.</summary>
    public static MockBehaviour Reply(string text, TimeSpan? delay = null) =>
        Always(MockResponse.Reply(text) with { Delay = delay ?? TimeSpan.Zero });

    /// <summary>
    /// Always fail with HTTP <paramref name="status"/> and an Anthropic error body
    /// (see <see cref="MockResponse.Error"/>).
    /// </summary>
    public static MockBehaviour Error(int status, string? errorType = null, string? message = null, TimeSpan? retryAfter = null) =>
        Always(MockResponse.Error(status, errorType, message, retryAfter));

    /// <summary>Answer the first <paramref name="count"/> requests with <paramref name="failure"/>, then with <paramref name="then"/>.</summary>
    public static MockBehaviour FailFirst(int count, MockBehaviour failure, MockBehaviour then)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(then);
        return new MockBehaviour((n, request) => n <= count ? failure.Respond(request) : then.Respond(request));
    }

    /// <summary>
    /// Fail the first <paramref name="count"/> requests with HTTP <paramref name="status"/>
    /// (optionally with a <c>retry-after</c> header), then reply with <paramref name="text"/>.
    /// </summary>
    public static MockBehaviour FailFirst(int count, int status, string text = MockAnthropicApi.DefaultReplyText, TimeSpan? retryAfter = null) =>
        FailFirst(count, Error(status, retryAfter: retryAfter), Reply(text));

    /// <summary>The n-th request gets the n-th behaviour; the last one answers all further requests.</summary>
    public static MockBehaviour Sequence(params MockBehaviour[] steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentOutOfRangeException.ThrowIfZero(steps.Length);
        return new MockBehaviour((n, request) => steps[Math.Min(n, steps.Length) - 1].Respond(request));
    }

    /// <summary>Never answer (see <see cref="MockResponse.Hang"/>): the mock holds the request until the client goes away or the mock stops.</summary>
    public static MockBehaviour Hang(bool afterHeaders = false) => Always(MockResponse.Hang(afterHeaders));

    /// <summary>
    /// A tool round trip: a request without any <c>tool_result</c> gets a <c>Bash</c> tool call of
    /// <paramref name="command"/>; a request that carries a <c>tool_result</c> gets <paramref name="finalText"/>.
    /// </summary>
    public static MockBehaviour ToolUseThenReply(string command = "echo hi", string finalText = ToolRoundTripReplyText) =>
        ToolUseThenReply(MockResponse.Bash(command), finalText);

    /// <summary>
    /// A tool round trip with any tool call: requests without a <c>tool_result</c> get
    /// <paramref name="toolUse"/>, requests with one get <paramref name="finalText"/>.
    /// </summary>
    public static MockBehaviour ToolUseThenReply(MockToolUseResponse toolUse, string finalText)
    {
        ArgumentNullException.ThrowIfNull(toolUse);
        var reply = MockResponse.Reply(finalText);
        return new MockBehaviour((_, request) => request.ToolResultCount > 0 ? reply : toolUse);
    }

    /// <summary>Every request gets a <c>Bash</c> tool call: the conversation never ends (use with <c>--max-turns</c>).</summary>
    public static MockBehaviour AlwaysToolUse(string command = "echo hi") => Always(MockResponse.Bash(command));

    /// <summary>
    /// A server that admits <paramref name="limit"/> requests at once: each admitted one is answered with
    /// <paramref name="text"/> after <paramref name="answerTime"/>; one beyond the limit gets 429 with a
    /// <c>retry-after</c> of <paramref name="retryAfter"/> at once. With <paramref name="holdUntilRefused"/> (tests), the
    /// first admitted answers are held until a request has been refused (or 30 s passed), so that a refusal happens
    /// however slowly the clients start, not only when their starts happen to overlap; without it (bench/AdaptiveMockApi),
    /// every admitted request is answered after <paramref name="answerTime"/>, as a real server would. Share one instance
    /// between the prompts it limits.
    /// </summary>
    public static MockBehaviour AdmitAtOnce(int limit, TimeSpan answerTime, TimeSpan retryAfter, string text = MockAnthropicApi.DefaultReplyText, bool holdUntilRefused = true)
    {
        var inFlight = 0;
        var refused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!holdUntilRefused)
        {
            refused.SetResult();
        }

        var refusal = MockResponse.Error(429, retryAfter: retryAfter);
        async Task UntilRefusedAsync(CancellationToken cancellation)
        {
            try
            {
                await refused.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellation).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // No client came beyond the limit: answer anyway.
            }
        }

        var reply = MockResponse.Reply(text) with { WaitFor = UntilRefusedAsync, Delay = answerTime };
        return new MockBehaviour((_, _) =>
        {
            if (Interlocked.Increment(ref inFlight) > limit)
            {
                Interlocked.Decrement(ref inFlight);
                refused.TrySetResult();
                return refusal;
            }

            // The answer leaves the server when its hold and its delay are over.
            _ = Task.Run(async () =>
            {
                await UntilRefusedAsync(CancellationToken.None).ConfigureAwait(false);
                await Task.Delay(answerTime).ConfigureAwait(false);
                Interlocked.Decrement(ref inFlight);
            });
            return reply;
        });
    }

    /// <summary>Applies <paramref name="delay"/> before every response of this behaviour.</summary>
    public MockBehaviour WithDelay(TimeSpan delay) =>
        new((_, request) => Respond(request) with { Delay = delay });

    /// <summary>Picks the response to one request and counts it.</summary>
    internal MockResponse Respond(MockRequest request) =>
        _respond(Interlocked.Increment(ref _calls), request);
}
