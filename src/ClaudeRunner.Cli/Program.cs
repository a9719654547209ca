using ClaudeRunner.Cli;

return await new RunnerCommand(Console.In, Console.Out, Console.Error).InvokeAsync(args);
