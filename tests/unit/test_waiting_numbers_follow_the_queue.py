"""Every write that takes a number off the unclaimed queue takes it out of the department's
set of waiting numbers in the same transaction (store/waiting.py): the navigation's count
trusts that set, so a deletion that forgets it would leave a number counted forever."""

import ast
import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "chalicelib"
DELETES_A_QUEUE_ITEM = re.compile(
    r"delete\((?:\s|#[^\n]*\n)*UnclaimedModel\(|UnclaimedModel\([^()]*\)\.delete\(", re.MULTILINE
)


def functions(path: Path):
    """Each function's name and lines (whole lines: ``ast.get_source_segment`` splits the
    file again for every node, which made this test take seconds)."""
    source = path.read_text()
    lines = source.splitlines(keepends=True)
    for node in ast.walk(ast.parse(source, str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, "".join(lines[node.lineno - 1 : node.end_lineno])


def test_every_deletion_of_a_waiting_number_also_leaves_the_set():
    forgetful = [
        f"{path.relative_to(APP.parent)}::{name}"
        for path in APP.rglob("*.py")
        for name, body in functions(path)
        if DELETES_A_QUEUE_ITEM.search(body) and "left(" not in body
    ]
    assert forgetful == []


def test_the_check_finds_the_deletions_there_are():
    found = {
        name
        for name, body in functions(APP / "store" / "unclaimed.py")
        if DELETES_A_QUEUE_ITEM.search(body)
    }
    assert {"dismiss", "_drop_queue_item"} <= found
