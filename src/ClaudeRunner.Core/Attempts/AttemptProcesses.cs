using System.Diagnostics;

namespace ClaudeRunner;

/// <summary>
/// The processes of one attempt, found every way Linux allows, since each alone misses some. The tree below claude by parent
/// links, looked at before SIGTERM, at claude's result line and at every resource sample, and remembered with each process's
/// start time: once claude exits, its children are re-parented and no walk from claude finds them. The environment marker
/// (<see cref="ProcessTree"/>): it survives re-parenting and <c>setsid</c>, not <c>env -i</c>. And whoever holds the attempt's
/// pipes: that survives everything but closing them, so a grandchild that keeps claude's stdout open is found however it
/// started. A process that clears its environment, leaves claude's tree and closes the pipes between two looks is not found.
/// </summary>
internal sealed class AttemptProcesses
{
    private readonly int _root;
    private readonly string _marker;
    private readonly HashSet<string> _pipes;
    private readonly object _gate = new();
    private readonly Dictionary<int, long> _seen = [];

    public AttemptProcesses(Process process, string marker)
    {
        _root = process.Id;
        _marker = marker;
        _pipes = [.. new[] { process.StandardInput.BaseStream, process.StandardOutput.BaseStream, process.StandardError.BaseStream }
            .Select(ProcessTree.PipeId)
            .OfType<string>()];
    }

    /// <summary>Remembers the processes below claude now.</summary>
    public void Note()
    {
        if (OperatingSystem.IsLinux())
        {
            Note(ProcessTree.TreeStats(_root));
        }
    }

    /// <summary>Remembers the processes of a look at claude's tree.</summary>
    public void Note(IReadOnlyList<ProcessStat> tree)
    {
        lock (_gate)
        {
            foreach (var process in tree.Where(p => p.Pid != _root))
            {
                _seen.TryAdd(process.Pid, process.StartTicks);
            }
        }
    }

    /// <summary>Kills claude's tree as it is now, and everything else of the attempt (<see cref="KillLeftovers"/>).</summary>
    public void KillAll(Process claude)
    {
        Note();
        ProcessTree.KillTree(claude);
        KillLeftovers(thorough: true);
    }

    /// <summary>
    /// Kills what the attempt left behind: every process seen below claude that is still the same process; when
    /// <paramref name="thorough"/>, also every process with the attempt's marker and every holder of its pipes (a scan of
    /// all processes, done only when something is known to be left).
    /// </summary>
    public void KillLeftovers(bool thorough)
    {
        if (!OperatingSystem.IsLinux())
        {
            // No /proc: the marker cannot be read, nor the pipes' holders; the tree was killed as .NET finds it.
            return;
        }

        List<KeyValuePair<int, long>> seen;
        lock (_gate)
        {
            seen = [.. _seen];
        }

        foreach (var pid in seen.Where(p => ProcessTree.IsSame(p.Key, p.Value)).Select(p => p.Key))
        {
            ProcessTree.KillPid(pid);
        }

        if (thorough)
        {
            ProcessTree.KillMarked(_marker);
            foreach (var pid in ProcessTree.PipeHolders(_pipes))
            {
                ProcessTree.KillPid(pid);
            }
        }
    }
}
