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
}
