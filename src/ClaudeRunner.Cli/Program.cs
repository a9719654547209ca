using ClaudeRunner;
using ClaudeRunner.Cli;

// The process ends with its run: what a claude leaves behind comes to it, and is found without scanning /proc.
RunHost.AdoptOrphanedProcesses();

// The output may go away mid-run (a closed pipe, /dev/full): the run still finishes and writes its summary.
return await new RunnerCommand(PromptSources.StrictStandardInput(), new SafeWriter(Console.Out), new SafeWriter(Console.Error)).InvokeAsync(args);
