namespace ClaudeRunner;

/// <summary>What an attempt reports while it runs.</summary>
internal interface IAttemptOutput
{
    void Output(PromptOutputKind kind, string text);
}
