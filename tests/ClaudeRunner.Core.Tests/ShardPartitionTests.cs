namespace ClaudeRunner.Tests;

/// <summary>
/// Shards are a partition of the whole set by id: every prompt in exactly one shard, the same on every agent and for
/// every order of the file; balanced by count without history, by expected duration (greedy longest-first) with it.
/// </summary>
public sealed class ShardPartitionTests
{
    private static readonly int[] Totals = [1, 2, 3, 4, 5, 7, 8, 16, 50];
    private static readonly int[] Counts = [0, 1, 2, 3, 9, 10, 64, 101, 500];

    public static TheoryData<int, int> TotalsAndCounts()
    {
        var data = new TheoryData<int, int>();
        foreach (var total in Totals)
        {
            foreach (var count in Counts)
            {
                data.Add(total, count);
            }
        }

        return data;
    }

    private static List<string> Ids(int count, Random random) =>
        [.. Enumerable.Range(0, count).Select(i => $"{(char)('a' + random.Next(26))}{random.Next(1000)}--src-file-{i}-cs")];

    private static List<string> Shuffled(IEnumerable<string> ids, Random random)
    {
        var copy = ids.ToList();
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(copy));
        return copy;
    }

    [Theory]
    [MemberData(nameof(TotalsAndCounts))]
    public void Without_history_every_prompt_is_in_one_shard_the_same_for_any_order_and_shards_differ_by_at_most_one(int total, int count)
    {
        var random = new Random(total * 1000 + count);
        var ids = Ids(count, random);

        var shards = ShardPartition.Assign(ids, total, DurationHistory.None);
        var reordered = ShardPartition.Assign(Shuffled(ids, random), total, DurationHistory.None);

        Assert.Equal(ids.Order(), shards.Keys.Order());
        Assert.All(shards.Values, shard => Assert.InRange(shard, 1, total));
        Assert.Equal(shards.OrderBy(s => s.Key), reordered.OrderBy(s => s.Key));
        var sizes = Enumerable.Range(1, total).Select(shard => shards.Values.Count(s => s == shard)).ToList();
        Assert.True(sizes.Max() - sizes.Min() <= 1, $"shard sizes {string.Join(", ", sizes)}");
    }

    [Theory]
    [MemberData(nameof(TotalsAndCounts))]
    public void With_history_every_prompt_is_in_one_shard_the_same_for_any_order_and_no_shard_has_more_than_the_longest_prompt_over_another(int total, int count)
    {
        var random = new Random(total * 7919 + count);
        var ids = Ids(count, random);
        // Some prompts have no history: they are expected to take the mean.
        var history = DurationHistory.Of(ids.Where(_ => random.Next(4) > 0).Select(id => KeyValuePair.Create(id, TimeSpan.FromMilliseconds(random.Next(50, 120_000)))));

        var shards = ShardPartition.Assign(ids, total, history);
        var reordered = ShardPartition.Assign(Shuffled(ids, random), total, history);

        Assert.Equal(ids.Order(), shards.Keys.Order());
        Assert.Equal(shards.OrderBy(s => s.Key), reordered.OrderBy(s => s.Key));
        if (count > 0)
        {
            var loads = Enumerable.Range(1, total).Select(shard => shards.Where(s => s.Value == shard).Sum(s => history.Expected(s.Key).Ticks)).ToList();
            var longest = ids.Max(id => history.Expected(id).Ticks);
            // Greedy's guarantee: the fullest shard took its last prompt when it was the emptiest.
            Assert.True(loads.Max() - loads.Min() <= longest, $"loads {string.Join(", ", loads)}, longest {longest}");
            Assert.True(loads.Max() <= (loads.Sum() / total) + longest);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void With_history_the_fullest_shard_is_within_four_thirds_of_the_best_possible(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 40; round++)
        {
            var total = random.Next(2, 4);
            var durations = Enumerable.Range(0, random.Next(total, 9)).ToDictionary(i => $"p{i}", _ => TimeSpan.FromSeconds(random.Next(1, 100)));

            var shards = ShardPartition.Assign(durations.Keys, total, DurationHistory.Of(durations));

            var greedy = Enumerable.Range(1, total).Max(shard => shards.Where(s => s.Value == shard).Sum(s => durations[s.Key].Ticks));
            Assert.True(greedy * 3 <= Best([.. durations.Values.Select(d => d.Ticks)], total) * 4, $"round {round}: greedy {greedy}");
        }
    }

    [Fact]
    public void With_history_a_long_prompt_gets_a_shard_of_its_own_where_counting_would_pair_it()
    {
        var durations = new Dictionary<string, TimeSpan>
        {
            ["a"] = TimeSpan.FromMinutes(10), ["b"] = TimeSpan.FromMinutes(1), ["c"] = TimeSpan.FromMinutes(1),
            ["d"] = TimeSpan.FromMinutes(1), ["e"] = TimeSpan.FromMinutes(1), ["f"] = TimeSpan.FromMinutes(1),
        };

        var byCount = ShardPartition.Assign(durations.Keys, 2, DurationHistory.None);
        var byDuration = ShardPartition.Assign(durations.Keys, 2, DurationHistory.Of(durations));

        // By count a, c, e take 12 minutes; longest first, a alone takes 10 and the rest 5.
        Assert.Equal(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2, ["c"] = 1, ["d"] = 2, ["e"] = 1, ["f"] = 2 }, byCount);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2, ["c"] = 2, ["d"] = 2, ["e"] = 2, ["f"] = 2 }, byDuration);
    }

    [Fact]
    public void A_prompt_without_history_is_expected_to_take_the_mean()
    {
        var history = DurationHistory.Of([KeyValuePair.Create("a", TimeSpan.FromSeconds(10)), KeyValuePair.Create("b", TimeSpan.FromSeconds(30))]);

        Assert.Equal(TimeSpan.FromSeconds(20), history.Expected("new"));
        Assert.Equal(TimeSpan.FromSeconds(30), history.Expected("b"));
    }

    /// <summary>The least makespan of any assignment, by trying them all.</summary>
    private static long Best(long[] durations, int total)
    {
        var best = long.MaxValue;
        var loads = new long[total];
        void Place(int next)
        {
            if (next == durations.Length)
            {
                best = Math.Min(best, loads.Max());
                return;
            }

            for (var shard = 0; shard < total; shard++)
            {
                loads[shard] += durations[next];
                Place(next + 1);
                loads[shard] -= durations[next];
            }
        }

        Place(0);
        return best;
    }
}
