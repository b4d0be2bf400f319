"""ktseed._files: the durable writes every state file goes through."""

from __future__ import annotations

import json
import os

import pytest

from ktseed import _files


@pytest.mark.parametrize("fsync", ["1", "0"])
def test_write_replaces_the_file_with_the_exact_text(
    tmp_path, monkeypatch, fsync
):
    monkeypatch.setenv(_files.FSYNC_ENV, fsync)
    path = tmp_path / "oracle.json"
    path.write_text("old content, longer than the new one " * 100)
    text = json.dumps({"name": "lr ≤ 0.1 — café", "values": list(range(5000))})
    _files.write_atomically(str(path), text)
    assert path.read_text(encoding="utf-8") == text
    assert os.listdir(tmp_path) == ["oracle.json"]  # no temporary file left


def test_write_json_returns_the_text_it_wrote(tmp_path):
    path = tmp_path / "trial.json"
    text = _files.write_json_atomically(str(path), {"a": [1, 2.5, None]})
    assert _files.read_json(str(path)) == {"a": [1, 2.5, None]}
    assert path.read_text(encoding="utf-8") == text


def test_a_failed_write_leaves_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "oracle.json"
    path.write_text('{"before": true}')

    def failing_write(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_files.os, "write", failing_write)
    with pytest.raises(OSError, match="No space left"):
        _files.write_atomically(str(path), '{"after": true}')
    assert json.loads(path.read_text()) == {"before": True}
    assert os.listdir(tmp_path) == ["oracle.json"]  # the temporary is gone
