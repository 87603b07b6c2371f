import pytest

from chalicelib.web.redirects import safe_next


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example",
        "HTTPS://evil.example/caseload",
        "javascript:alert(1)",
        " /caseload",
        "/case load",
        "caseload",
        "",
        None,
        "http://[::1",
    ],
)
def test_anything_but_a_plain_path_of_ours_falls_back_to_the_caseload(target):
    assert safe_next(target) == "/caseload"


@pytest.mark.parametrize("target", ["/clients/abc?x=1", "/caseload", "/unclaimed/18015550123"])
def test_paths_of_ours_are_kept_with_their_query(target):
    assert safe_next(target) == target
