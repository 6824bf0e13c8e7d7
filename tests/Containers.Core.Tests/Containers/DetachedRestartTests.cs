using Containers.Containers;

namespace Containers.Core.Tests.Containers;

/// <summary>The restart policy as the monitor of a detached container gets it: decisions and Docker's back-off as data.</summary>
public sealed class DetachedRestartTests
{
    private static readonly DetachedRestartPaths Paths = new("/plan", "/status", "/stopped");

    [Theory]
    [InlineData("no", false, false, false, 0)]
    [InlineData("always", true, true, true, 0)]
    [InlineData("unless-stopped", true, true, true, 0)]
    [InlineData("on-failure", true, false, true, 0)]
    [InlineData("on-failure:3", true, false, true, 3)]
    public void Each_policy_says_which_exits_restart_and_how_often(string policy, bool restarts, bool onSuccess, bool onFailure, int maximum)
    {
        var restart = DetachedRestart.For(RestartPolicy.Parse(policy), 2, Paths);
        if (!restarts)
        {
            restart.Should().BeNull();
            return;
        }

        restart!.OnSuccess.Should().Be(onSuccess);
        restart.OnFailure.Should().Be(onFailure);
        restart.MaximumRetryCount.Should().Be(maximum);
        restart.RestartCount.Should().Be(2);
    }

    [Fact]
    public void The_back_off_doubles_from_100_ms_up_to_one_minute_and_starts_over_after_a_10_second_run()
    {
        DetachedRestart.Delays[0].Should().Be(TimeSpan.FromMilliseconds(100));
        DetachedRestart.Delays.Zip(DetachedRestart.Delays.Skip(1)).SkipLast(1).Should().OnlyContain(p => p.Second == p.First * 2);
        DetachedRestart.Delays[^1].Should().Be(TimeSpan.FromMinutes(1));
        DetachedRestart.Delays[^2].Should().BeLessThan(TimeSpan.FromMinutes(1));
        DetachedRestart.ResetAfter.Should().Be(TimeSpan.FromSeconds(10));
    }
}
