using System.Text;

namespace ClaudeRunner.Cli;

/// <summary>
/// Standard output or error that may go away (a closed pipe, a full disk, a terminal that was closed): a failed
/// write (EIO, ENOSPC, or EBADF, which .NET reports as access denied) silences the writer instead of ending the run, so the prompts still finish, the summary is still
/// written and the exit code still tells what happened.
/// </summary>
internal sealed class SafeWriter(TextWriter inner) : TextWriter
{
    private bool _broken;

    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    public override string NewLine
    {
        get => inner.NewLine;
#pragma warning disable CS8765 // TextWriter.NewLine's setter accepts null; the inner writer handles it.
        set => inner.NewLine = value;
#pragma warning restore CS8765
    }

    public override void Write(char value) => Guard(() => inner.Write(value));

    public override void Write(string? value) => Guard(() => inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Guard(() => inner.Write(buffer, index, count));

    public override void WriteLine(string? value) => Guard(() => inner.WriteLine(value));

    public override void Flush() => Guard(inner.Flush);

    public override Task WriteAsync(string? value) => GuardAsync(() => inner.WriteAsync(value));

    public override Task WriteLineAsync(string? value) => GuardAsync(() => inner.WriteLineAsync(value));

    public override Task FlushAsync() => GuardAsync(inner.FlushAsync);

    private void Guard(Action write)
    {
        if (_broken)
        {
            return;
        }

        try
        {
            write();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _broken = true;
        }
    }

    private async Task GuardAsync(Func<Task> write)
    {
        if (_broken)
        {
            return;
        }

        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _broken = true;
        }
    }
}
