from urllib.parse import unquote

from chalicelib.web.downloads import ascii_fallback, attachment


def test_accents_are_dropped_and_other_scripts_leave_a_plain_name():
    assert ascii_fallback("conversation-nguyễn-văn.csv") == "conversation-nguyen-van.csv"
    assert ascii_fallback("conversation-李-小龙.json") == "conversation.json"
    assert ascii_fallback("李") == "download"


def test_quotes_and_semicolons_never_reach_the_header_raw():
    value = attachment('conversation-o"brien; filename=evil.exe.csv')
    value.encode("ascii")
    assert value.count('"') == 2 and value.count(";") == 2
    assert unquote(value.split("UTF-8''")[1]) == 'conversation-o"brien; filename=evil.exe.csv'
