from compact_portal.markup import markdown_to_html


def test_paragraphs_emphasis_strong_and_soft_breaks():
    text = "We are *pleased* to **invite** you\nto the session.\n\nSecond paragraph."

    assert markdown_to_html(text) == (
        "<p>We are <em>pleased</em> to <strong>invite</strong> you\nto the session.</p>\n<p>Second paragraph.</p>\n"
    )


def test_bullet_and_numbered_lists():
    text = "- Geneva\n- New York\n\n1. Opening\n2. Panel"

    assert markdown_to_html(text) == (
        "<ul>\n<li>Geneva</li>\n<li>New York</li>\n</ul>\n<ol>\n<li>Opening</li>\n<li>Panel</li>\n</ol>\n"
    )


def test_http_https_and_mailto_links_and_autolinks():
    text = "[site](https://example.org/a?b=1&c=2), [old](http://example.org), <cofac@example.org>, <https://un.org/x>"

    assert markdown_to_html(text) == (
        '<p><a href="https://example.org/a?b=1&amp;c=2">site</a>, <a href="http://example.org">old</a>, '
        '<a href="mailto:cofac@example.org">cofac@example.org</a>, <a href="https://un.org/x">https://un.org/x</a></p>\n'
    )


def test_links_with_other_schemes_or_relative_targets_stay_text():
    text = "[a](javascript:alert(1)) [b](file:///etc/passwd) [c](data:text/html,x) [d](ftp://x) [e](../admin) <ftp://x>"

    assert markdown_to_html(text) == (
        "<p>[a](javascript:alert(1)) [b](file:///etc/passwd) [c](data:text/html,x) [d](ftp://x) [e](../admin) "
        "&lt;ftp://x&gt;</p>\n"
    )


def test_images_are_shown_as_their_source_text():
    text = '![x](http://example.com/x.png) ![y](file:///etc/passwd "t") ![z]'

    assert markdown_to_html(text) == (
        "<p>![x](http://example.com/x.png) ![y](file:///etc/passwd &quot;t&quot;) ![z]</p>\n"
    )


def test_raw_html_is_escaped():
    text = '<script>alert(1)</script>\n\n<img src="file:///etc/passwd" onerror="x()">\n\n<b>bold?</b> &amp; &copy;'

    assert markdown_to_html(text) == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        "<p>&lt;img src=&quot;file:///etc/passwd&quot; onerror=&quot;x()&quot;&gt;</p>\n"
        "<p>&lt;b&gt;bold?&lt;/b&gt; &amp; ©</p>\n"
    )


def test_headings_quotes_code_and_rules_are_not_parsed():
    text = "# Title\n> quote\n`code`\n\n---"

    assert markdown_to_html(text) == "<p># Title\n&gt; quote\n`code`</p>\n<p>---</p>\n"
