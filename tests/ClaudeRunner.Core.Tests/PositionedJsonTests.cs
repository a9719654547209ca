using System.Text;
using System.Text.Json;

namespace ClaudeRunner.Tests;

/// <summary>Where a value of the prompts file is: lines and columns that cost no more than reading the file.</summary>
public sealed class PositionedJsonTests
{
    [Fact]
    public void Positions_on_one_line_of_100000_prompts_count_each_byte_once()
    {
        // Minified JSON: one line. Counting every column from the line's start made validation quadratic (35 s for 100,000).
        var text = "{\"prompts\":[" + string.Join(',', Enumerable.Range(0, 100_000).Select(i => $"{{\"id\":\"p{i}\",\"prompt\":\"Révise {i}\"}}")) + "]}";
        var utf8 = Encoding.UTF8.GetBytes(text);
        var positions = new PositionedJson.LinePositions(utf8, "prompts.json");
        var reader = new Utf8JsonReader(utf8);
        SourceLocation? last = null;
        while (reader.Read())
        {
            last = positions.At(reader.TokenStartIndex);
        }

        Assert.InRange(positions.BytesCounted, 0, utf8.Length);
        // Columns count characters, not bytes (every "é" is two bytes).
        Assert.Equal(new SourceLocation("prompts.json", 1, text.Length), last);
    }

    [Fact]
    public void Positions_asked_out_of_order_or_on_other_lines_are_still_right()
    {
        var utf8 = Encoding.UTF8.GetBytes("{\n  \"é\": [1,\n  2]}");
        var positions = new PositionedJson.LinePositions(utf8, "f.json");

        Assert.Equal(new SourceLocation("f.json", 2, 8), positions.At(10));
        Assert.Equal(new SourceLocation("f.json", 2, 3), positions.At(4));
        Assert.Equal(new SourceLocation("f.json", 3, 3), positions.At(16));
        Assert.Equal(new SourceLocation("f.json", 1, 1), positions.At(0));
    }
}
