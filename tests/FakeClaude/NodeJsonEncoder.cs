using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace FakeClaude;

/// <summary>
/// Escapes only what JSON requires (<c>"</c>, <c>\</c>, control characters), like node's
/// <c>JSON.stringify</c> in the real CLI: every other character, emoji included, is written as
/// raw UTF-8, so the runner's line decoder meets multi-byte sequences split across reads.
/// (<see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> still escapes non-BMP characters.)
/// </summary>
internal sealed class NodeJsonEncoder : JavaScriptEncoder
{
    public static readonly NodeJsonEncoder Instance = new();

    private NodeJsonEncoder()
    {
    }

    public override int MaxOutputCharactersPerInputCharacter => 6; // \u001f

    public override bool WillEncode(int unicodeScalar) => unicodeScalar is < 0x20 or '"' or '\\';

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (var i = 0; i < textLength; i++)
        {
            if (WillEncode(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        if (!WillEncode(unicodeScalar))
        {
            // Called for characters we do not escape as well: copy them through.
            return new Rune(unicodeScalar).TryEncodeToUtf16(destination, out numberOfCharactersWritten);
        }

        var escaped = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\b' => "\\b",
            '\f' => "\\f",
            _ => "\\u" + unicodeScalar.ToString("x4", CultureInfo.InvariantCulture),
        };
        if (!escaped.AsSpan().TryCopyTo(destination))
        {
            numberOfCharactersWritten = 0;
            return false;
        }

        numberOfCharactersWritten = escaped.Length;
        return true;
    }
}
