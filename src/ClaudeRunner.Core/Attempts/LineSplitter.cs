using System.Text;

namespace ClaudeRunner;

/// <summary>
/// Cuts a child's output into lines as it arrives, with bounded memory: a line longer than the limit is
/// passed on in redacted parts instead of being held whole (a short tail is kept back between parts so a
/// secret split across two reads is still masked). Complete lines are passed on as they are, so they are
/// judged on what claude wrote; whoever writes or shows them masks them.
/// </summary>
internal sealed class LineSplitter
{
    // Below the large-object threshold (85 kB), so the parts of a huge line are cheap gen-0 garbage.
    private const int OverflowPartLength = 16 * 1024;

    private readonly int _maxLineLength;
    private readonly SecretRedactor _redactor;
    private readonly Action<string> _onLine;
    private readonly Action<string, bool> _onLongLinePart;
    private readonly StringBuilder _pending = new();
    private bool _overflowing;

    /// <param name="maxLineLength">The longest line handed to <paramref name="onLine"/> whole.</param>
    /// <param name="redactor">Masks secrets in the parts of over-long lines.</param>
    /// <param name="onLine">Receives each complete line, unmasked, without its line break.</param>
    /// <param name="onLongLinePart">Receives the redacted parts of an over-long line, and whether the part ends the line.</param>
    public LineSplitter(int maxLineLength, SecretRedactor redactor, Action<string> onLine, Action<string, bool> onLongLinePart)
    {
        _maxLineLength = maxLineLength;
        _redactor = redactor;
        _onLine = onLine;
        _onLongLinePart = onLongLinePart;
    }

    public void Feed(ReadOnlySpan<char> chunk)
    {
        while (true)
        {
            var newline = chunk.IndexOf('\n');
            if (newline < 0)
            {
                _pending.Append(chunk);
                if (_pending.Length > (_overflowing ? OverflowPartLength : _maxLineLength))
                {
                    SpillLongLine();
                }

                return;
            }

            _pending.Append(chunk[..newline]);
            chunk = chunk[(newline + 1)..];
            EndLine();
        }
    }

    /// <summary>Passes on the last line when the output did not end with a line break.</summary>
    public void Complete()
    {
        if (_pending.Length > 0 || _overflowing)
        {
            EndLine();
        }
    }

    private void EndLine()
    {
        if (_pending.Length > 0 && _pending[^1] == '\r')
        {
            _pending.Length--;
        }

        var line = _pending.ToString();
        _pending.Clear();
        if (_overflowing)
        {
            _overflowing = false;
            _onLongLinePart(_redactor.Redact(line), true);
        }
        else
        {
            _onLine(line);
        }
    }

    private void SpillLongLine()
    {
        var text = _redactor.Redact(_pending.ToString());
        var keep = Math.Min(text.Length, Math.Max(0, _redactor.LongestSecret - 1));
        _onLongLinePart(text[..^keep], false);
        _pending.Clear().Append(text.AsSpan(text.Length - keep));
        _overflowing = true;
    }
}
