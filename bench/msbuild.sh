# Sourced by run.sh: builds the RunClaudeParallel task from source and generates the project that
# `dotnet build` runs, importing the task's build/ props and targets with ClaudeRunnerTaskAssembly
# pointing at the built task, as examples/msbuild does. Sets msbuild_command.
dotnet build "$root/src/ClaudeRunner.MSBuild" -c Release -o "$tools/msbuild-task" --nologo -v:q >&2
msbuild_task=$tools/msbuild-task/ClaudeRunner.MSBuild.dll
mkdir -p "$work/msbuild"
cat > "$work/msbuild/bench.proj" <<PROJECT
<Project>
  <PropertyGroup>
    <ClaudeRunnerTaskAssembly>$msbuild_task</ClaudeRunnerTaskAssembly>
  </PropertyGroup>
  <Import Project="$root/src/ClaudeRunner.MSBuild/build/ClaudeRunner.MSBuild.props" />
  <!-- BenchEmpty=true: the same build without the task, for the task's fixed cost. -->
  <Target Name="Build">
    <RunClaudeParallel Condition="'\$(BenchEmpty)' != 'true'" PromptsFile="\$(BenchPrompts)" MaxParallel="\$(BenchParallel)" ClaudePath="\$(BenchClaude)" LogDirectory="\$(BenchLogs)" />
  </Target>
  <Import Project="$root/src/ClaudeRunner.MSBuild/build/ClaudeRunner.MSBuild.targets" />
</Project>
PROJECT
# Minimal verbosity, as a CI log shows it; no node reuse, so every build starts cold like a CI build.
msbuild_command=(dotnet build "$work/msbuild/bench.proj" -nologo -nodeReuse:false -verbosity:minimal -terminalLogger:off)
