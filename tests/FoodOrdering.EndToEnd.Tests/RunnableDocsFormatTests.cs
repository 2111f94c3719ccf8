namespace FoodOrdering.EndToEnd.Tests;

/// <summary>The runnable-doc format (<see cref="RunnableDocs"/>) without a system: which blocks run, which text is expected, how it matches.</summary>
public sealed class RunnableDocsFormatTests
{
    private const string Page = """
        # A page
        ```sh
        ./ftgo up
        ```
        ```bash
        TOKEN=abc
        echo "token $TOKEN"
        ```

        ```text
        token abc
        ```
        Prose.
        ```bash
        curl -s http://127.0.0.1:8080/health
        ```
        Prose between: the next text block is shown, not expected.
        ```text
        not expected
        ```
        ```json
        {"shown": true}
        ```
        """;

    [Fact]
    public void Bash_blocks_run_and_a_text_block_right_after_one_is_its_expected_output()
    {
        var blocks = RunnableDocs.Parse(Page);

        Assert.Equal(2, blocks.Count);
        Assert.Equal("TOKEN=abc\necho \"token $TOKEN\"", blocks[0].Command);
        Assert.Equal(["token abc"], blocks[0].Expected);
        Assert.Equal("curl -s http://127.0.0.1:8080/health", blocks[1].Command);
        Assert.Empty(blocks[1].Expected);
    }

    [Fact]
    public void Expected_lines_match_in_order_and_dots_match_any_text_within_a_line()
    {
        const string output = "HTTP/1.1 201 Created\nLocation: /api/v1/orders/7\n{\"orderId\":7,\"state\":\"APPROVAL_PENDING\"}";

        Assert.Null(RunnableDocs.MissingLine(["HTTP/1.1 201 Created", "{\"orderId\":...,\"state\":\"APPROVAL_PENDING\"}"], output));
        Assert.Equal("HTTP/1.1 201 Created", RunnableDocs.MissingLine(["Location: ...", "HTTP/1.1 201 Created"], output));
        Assert.Equal("Created ... APPROVAL_PENDING", RunnableDocs.MissingLine(["Created ... APPROVAL_PENDING"], output));
    }

    [Fact]
    public async Task Blocks_share_one_session_read_no_stdin_and_see_their_ports_rewritten()
    {
        var blocks = RunnableDocs.Parse("""
            ```bash
            GREETING=hello
            ```
            ```bash
            echo "$GREETING from $(pwd | xargs basename)"; cat; echo "url http://127.0.0.1:8080/api"
            echo "to stderr" >&2
            ```
            ```text
            hello from ...
            url http://127.0.0.1:8080/api
            to stderr
            ```
            """);

        await RunnableDocs.RunBlocksAsync("page.md", blocks, new Dictionary<string, string> { ["127.0.0.1:8080"] = "127.0.0.1:1" });
    }

    [Theory]
    [InlineData("echo one", "two", "did not print the expected line")]
    [InlineData("false", "", "ended with exit code 1")]
    [InlineData("sleep 30", "", "did not end within 1s")]
    public async Task A_block_that_does_not_do_what_the_page_says_fails_with_its_number_command_and_output(string command, string expected, string why)
    {
        RunnableDocs.Block[] blocks =
        [
            new(1, 3, "true", []),
            new(2, 7, command, expected.Length == 0 ? [] : [expected]) { Deadline = TimeSpan.FromSeconds(1) },
        ];

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => RunnableDocs.RunBlocksAsync("page.md", blocks, new Dictionary<string, string>()));

        Assert.Contains($"page.md, bash block 2 (line 7) {why}", failure.Message);
        Assert.Contains(command, failure.Message);
    }
}
