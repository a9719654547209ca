namespace ClaudeRunner.Tests;

/// <summary>The Shard option: i/n as written, auto from each CI's parallel-job variables (0- or 1-based), and clear errors.</summary>
public sealed class ShardSelectionTests
{
    private static (Shard? Shard, string? Note) Resolve(string option, params (string Name, string Value)[] variables)
    {
        var environment = variables.ToDictionary(v => v.Name, v => v.Value);
        return ShardSelection.Resolve(option, name => environment.GetValueOrDefault(name));
    }

    private static string Error(string option, params (string Name, string Value)[] variables) =>
        Assert.Single(Assert.Throws<InvalidInputException>(() => Resolve(option, variables)).Errors).Message;

    [Theory]
    [InlineData("1/1", "1/1")]
    [InlineData("2/4", "2/4")]
    [InlineData(" 4/4 ", "4/4")]
    [InlineData("auto", "auto")]
    [InlineData("AUTO", "auto")]
    [InlineData("auto/8", "auto/8")]
    public void The_option_takes_i_of_n_auto_and_auto_of_n(string text, string value)
    {
        Assert.Equal(value, RunOptions.ForName("Shard")!.Kind.ParseText(text));
    }

    [Theory]
    [InlineData("0/4")]
    [InlineData("5/4")]
    [InlineData("2/0")]
    [InlineData("2")]
    [InlineData("2/4/1")]
    [InlineData("-1/4")]
    [InlineData("+2/4")]
    [InlineData("two/four")]
    [InlineData("auto/0")]
    [InlineData("auto/x")]
    [InlineData("automatic")]
    public void A_malformed_value_is_an_error_naming_the_option_and_the_forms(string text)
    {
        var errors = new List<InputError>();

        new RunRequest().WithText(RunOptions.ForName("Shard")!, text, "--shard", null, errors);

        Assert.Equal($"--shard must be i/n with i from 1 to n (such as 2/4), auto (read from the CI's parallel-job variables) or auto/n (auto with n jobs in all) (got '{text}').", Assert.Single(errors).Message);
    }

    [Fact]
    public void A_given_shard_is_taken_as_written_whatever_the_environment_says()
    {
        Assert.Equal(new Shard(3, 5), Resolve("3/5", ("CI_NODE_INDEX", "1"), ("CI_NODE_TOTAL", "2")).Shard);
    }

    [Theory]
    [InlineData("CI_NODE_INDEX", "1", "CI_NODE_TOTAL", "4", 1)] // GitLab counts from 1
    [InlineData("CI_NODE_INDEX", "4", "CI_NODE_TOTAL", "4", 4)]
    [InlineData("SYSTEM_JOBPOSITIONINPHASE", "2", "SYSTEM_TOTALJOBSINPHASE", "4", 2)] // Azure Pipelines counts from 1
    [InlineData("BUILDKITE_PARALLEL_JOB", "0", "BUILDKITE_PARALLEL_JOB_COUNT", "4", 1)] // Buildkite counts from 0
    [InlineData("BUILDKITE_PARALLEL_JOB", "3", "BUILDKITE_PARALLEL_JOB_COUNT", "4", 4)]
    [InlineData("CIRCLE_NODE_INDEX", "0", "CIRCLE_NODE_TOTAL", "4", 1)] // CircleCI counts from 0
    [InlineData("CIRCLE_NODE_INDEX", "2", "CIRCLE_NODE_TOTAL", "4", 3)]
    public void Auto_reads_each_CIs_index_and_total(string indexVariable, string index, string totalVariable, string total, int expected)
    {
        Assert.Equal((new Shard(expected, 4), (string?)null), Resolve("auto", (indexVariable, index), (totalVariable, total)));
    }

    [Theory]
    [InlineData("0", 1)]
    [InlineData("5", 6)]
    public void Auto_of_n_reads_a_Kubernetes_Indexed_Jobs_index_from_0_and_takes_the_total_given(string index, int expected)
    {
        Assert.Equal(new Shard(expected, 6), Resolve("auto/6", ("JOB_COMPLETION_INDEX", index)).Shard);
    }

    [Fact]
    public void Auto_of_n_agrees_with_a_CI_that_gives_the_same_total()
    {
        Assert.Equal(new Shard(2, 4), Resolve("auto/4", ("CI_NODE_INDEX", "2"), ("CI_NODE_TOTAL", "4")).Shard);
    }

    [Theory]
    [InlineData("auto", "CI_NODE_INDEX", "x", "CI_NODE_TOTAL", "4", "Shard auto: CI_NODE_INDEX (GitLab) is 'x', not a whole number.")]
    [InlineData("auto", "CI_NODE_INDEX", "0", "CI_NODE_TOTAL", "4", "Shard auto: CI_NODE_INDEX (GitLab) is 0, outside 1 to 4 for 4 jobs (it counts from 1).")]
    [InlineData("auto", "CI_NODE_INDEX", "5", "CI_NODE_TOTAL", "4", "Shard auto: CI_NODE_INDEX (GitLab) is 5, outside 1 to 4 for 4 jobs (it counts from 1).")]
    [InlineData("auto", "CI_NODE_INDEX", "2", "CI_NODE_TOTAL", "0", "Shard auto: CI_NODE_TOTAL (GitLab) is '0', not a whole number of at least 1.")]
    [InlineData("auto", "SYSTEM_JOBPOSITIONINPHASE", "-1", "SYSTEM_TOTALJOBSINPHASE", "4", "Shard auto: SYSTEM_JOBPOSITIONINPHASE (Azure Pipelines) is '-1', not a whole number.")]
    [InlineData("auto", "BUILDKITE_PARALLEL_JOB", "4", "BUILDKITE_PARALLEL_JOB_COUNT", "4", "Shard auto: BUILDKITE_PARALLEL_JOB (Buildkite) is 4, outside 0 to 3 for 4 jobs (it counts from 0).")]
    [InlineData("auto", "CIRCLE_NODE_INDEX", "1", "CIRCLE_NODE_TOTAL", "many", "Shard auto: CIRCLE_NODE_TOTAL (CircleCI) is 'many', not a whole number of at least 1.")]
    [InlineData("auto/3", "CI_NODE_INDEX", "2", "CI_NODE_TOTAL", "4", "Shard auto/3: CI_NODE_TOTAL (GitLab) says 4 jobs, not 3.")]
    [InlineData("auto/3", "JOB_COMPLETION_INDEX", "3", "UNRELATED", "", "Shard auto/3: JOB_COMPLETION_INDEX (Kubernetes Indexed Job) is 3, outside 0 to 2 for 3 jobs (it counts from 0).")]
    public void Malformed_or_contradicting_CI_variables_are_an_error_naming_the_CI_and_the_variable(string option, string indexVariable, string index, string totalVariable, string total, string message)
    {
        Assert.Equal(message, Error(option, (indexVariable, index), (totalVariable, total)));
    }

    [Fact]
    public void A_Kubernetes_Indexed_Job_without_a_total_is_told_to_give_it()
    {
        Assert.Equal(
            "Shard auto: JOB_COMPLETION_INDEX is set (Kubernetes Indexed Job) but the number of jobs is not: write it as auto/N, N the Job's completions.",
            Error("auto", ("JOB_COMPLETION_INDEX", "1")));
    }

    [Fact]
    public void A_CI_that_gives_the_index_but_not_the_total_is_told_to_give_it()
    {
        Assert.Equal("Shard auto: CI_NODE_INDEX is set (GitLab) but CI_NODE_TOTAL is not: write the number of jobs as auto/N.", Error("auto", ("CI_NODE_INDEX", "1")));
        Assert.Equal(new Shard(1, 3), Resolve("auto/3", ("CI_NODE_INDEX", "1")).Shard);
    }

    [Fact]
    public void Auto_outside_a_parallel_job_runs_the_whole_set_and_says_so()
    {
        var (shard, note) = Resolve("auto", ("CI", "true"));

        Assert.Null(shard);
        Assert.Equal("Shard auto: this is not a CI parallel job (none of CI_NODE_INDEX, SYSTEM_JOBPOSITIONINPHASE, BUILDKITE_PARALLEL_JOB, CIRCLE_NODE_INDEX, JOB_COMPLETION_INDEX is set), so it runs the whole set.", note);
    }

    [Fact]
    public void Auto_in_the_only_job_of_a_CI_runs_the_whole_set_and_says_so()
    {
        Assert.Equal((null, "Shard auto: this is the only parallel job (Azure Pipelines), so it runs the whole set."), Resolve("auto", ("SYSTEM_JOBPOSITIONINPHASE", "1"), ("SYSTEM_TOTALJOBSINPHASE", "1")));
    }

    [Fact]
    public void No_shard_option_is_the_whole_set_without_a_word()
    {
        Assert.Equal((null, null), ShardSelection.Resolve(null, _ => throw new InvalidOperationException("the environment is not read")));
    }

    [Fact]
    public void Every_CI_of_the_table_has_distinct_variables()
    {
        var names = CiParallelJobs.All.SelectMany(job => new[] { job.IndexVariable, job.TotalVariable }).OfType<string>().ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(CiParallelJobs.All, job => Assert.InRange(job.FirstIndex, 0, 1));
    }
}
