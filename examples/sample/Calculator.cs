// The file the example prompts work on. It is not compiled; it has a few deliberate flaws to find.
namespace Sample;

public static class Calculator
{
    public static int Divide(int dividend, int divisor) => dividend / divisor;

    public static double Average(int[] values)
    {
        var sum = 0;
        foreach (var value in values)
        {
            sum += value;
        }

        return sum / values.Length;
    }

    public static int Percent(int part, int whole) => part * 100 / whole;
}
