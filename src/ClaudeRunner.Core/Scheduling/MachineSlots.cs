using System.Globalization;

namespace ClaudeRunner;

/// <summary>
/// One budget of claude processes for every ClaudeRunner run of this user on this machine (MSBuild nodes, concurrent
/// builds, the CLI and Cake alike): slot files in a per-user directory, each held by an exclusive lock while an
/// attempt runs. The operating system drops a lock when its process dies, so a killed build never leaks a slot;
/// there is no daemon and no server. A run waits for a free slot after it has its own, so the per-run and the machine
/// limits both hold and neither waits on the other.
/// </summary>
internal sealed class MachineSlots
{
    /// <summary>The environment variable that sets the machine's limit; it wins over the option, so a CI machine is configured once.</summary>
    public const string LimitVariable = "CLAUDE_RUNNER_MACHINE_MAX_PARALLEL";

    /// <summary>The environment variable naming the slot directory (default: <c>$XDG_RUNTIME_DIR/claude-runner-slots</c>, else <c>claude-runner-slots-&lt;uid&gt;</c> in the temp directory).</summary>
    public const string DirectoryVariable = "CLAUDE_RUNNER_MACHINE_SLOT_DIR";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly string _directory;
    private readonly TimeProvider _time;

    private MachineSlots(int limit, string directory, TimeProvider time)
    {
        Limit = limit;
        _directory = directory;
        _time = time;
    }

    /// <summary>The most claude processes of this user's runs at once.</summary>
    public int Limit { get; }

    /// <summary>The machine's budget for <paramref name="request"/>, or null when none is set.</summary>
    /// <exception cref="InvalidInputException">The environment variable is not a whole number of at least 1.</exception>
    public static MachineSlots? For(RunRequest request)
    {
        var fromEnvironment = request.EnvironmentVariable(LimitVariable);
        int? limit = request.MachineMaxParallel;
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            limit = int.TryParse(fromEnvironment.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1
                ? number
                : throw new InvalidInputException([new InputError($"The environment variable {LimitVariable} is '{fromEnvironment}': it must be a whole number of at least 1, or unset.")]);
        }

        return limit is { } value ? new MachineSlots(value, SlotDirectory(request.EnvironmentVariable), request.TimeProvider) : null;
    }

    /// <summary>Waits for a free slot; <paramref name="waiting"/> is called once if none is free at first. Dispose the slot to give it back.</summary>
    /// <remarks>
    /// A waiting run tries every slot again each <see cref="PollInterval"/> rather than blocking in flock(2): a blocking
    /// flock waits on one slot only (any of N frees first) and cannot be cancelled, so a cancelled build would hang in it.
    /// </remarks>
    /// <exception cref="OperationCanceledException">The run was cancelled while waiting.</exception>
    public async Task<IDisposable> AcquireAsync(Action waiting, CancellationToken cancellation)
    {
        OwnerOnlyFile.CreatePrivateDirectory(_directory);
        var announced = false;
        while (true)
        {
            for (var slot = 0; slot < Limit; slot++)
            {
                try
                {
                    return new FileStream(Path.Combine(_directory, $"slot-{slot.ToString(CultureInfo.InvariantCulture)}"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
                {
                    // Held by another claude of this user: try the next.
                }
            }

            if (!announced)
            {
                announced = true;
                waiting();
            }

            await Task.Delay(PollInterval, _time, cancellation).ConfigureAwait(false);
        }
    }

    private static string SlotDirectory(Func<string, string?> environmentVariable) =>
        environmentVariable(DirectoryVariable) is { Length: > 0 } chosen ? Path.GetFullPath(chosen)
        : environmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime ? Path.Combine(runtime, "claude-runner-slots")
        : Path.Combine(Path.GetTempPath(), $"claude-runner-slots-{OwnerOnlyFile.UserId.ToString(CultureInfo.InvariantCulture)}");
}
