// Loads the Cake add-in this repository just built (copied to artifacts/dogfood by build.cake's Dogfood task)
// and makes a dry run of examples/prompts.json with it: every prompt is validated and its claude command
// logged; nothing starts.
#r "../artifacts/dogfood/Cake.ClaudeRunner.dll"

var prompts = MakeAbsolute(File("../examples/prompts.json"));
RunClaudeParallel(prompts, settings => settings.WithDryRun().WithMaxParallel(2));
Information("Dry run of {0}: every prompt is valid.", prompts);
