using Cake.Core;

namespace Cake.ClaudeRunner.Tests;

/// <summary>The tests that change the process's current directory through Cake's environment (<see cref="CakeHarness"/>).</summary>
[CollectionDefinition(nameof(CakeCollection), DisableParallelization = true)]
public sealed class CakeCollection;

/// <summary>A context like Cake Frosting's <c>FrostingContext</c>: an adapter over the script context.</summary>
internal sealed class FrostingStyleContext(ICakeContext context) : CakeContextAdapter(context);
