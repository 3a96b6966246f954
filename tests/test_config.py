"""The coach's own files and every user file are read bounded: only regular files, at most 1 MB."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from coach.config import NotAFileError, read_small_file, read_yaml
from coach.errors import UsageError


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "programme.yaml"
    os.mkfifo(fifo)
    done = threading.Event()
    result: list[BaseException] = []

    def read() -> None:
        try:
            read_small_file(fifo)
        except BaseException as err:  # noqa: BLE001 - handed to the test thread
            result.append(err)
        done.set()

    threading.Thread(target=read, daemon=True).start()
    assert done.wait(10), "reading a FIFO hung"
    assert isinstance(result[0], NotAFileError) and "a FIFO (named pipe)" in str(result[0])


@pytest.mark.parametrize("path, kind", [("/dev/zero", "a device"), ("/dev/null", "a device"),
                                        ("/tmp", "a folder")])
def test_devices_and_folders_are_named_not_read(path: str, kind: str) -> None:
    with pytest.raises(NotAFileError, match=f"is {kind}, not a file"):
        read_small_file(Path(path))


def test_a_file_over_the_limit_is_refused_after_reading_at_most_the_limit(tmp_path: Path
                                                                          ) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 2001)
    assert read_small_file(big, 2001) == b"#" * 2001
    with pytest.raises(ValueError, match="over 2,000 bytes"):
        read_small_file(big, 2000)


def test_a_programme_file_that_is_a_device_is_one_line(tmp_path: Path) -> None:
    link = tmp_path / "programme.yaml"
    link.symlink_to("/dev/zero")
    with pytest.raises(UsageError) as err:
        read_yaml(link, "programme", "run `coach plan --restart`")
    assert str(err.value) == (f"cannot read the programme: {link}: is a device, not a file; "
                              "run `coach plan --restart`")


@pytest.fixture(scope="module")
def home_seen_by_a_module_fixture() -> str:
    # module fixtures run before the per-test COACH_HOME: they must not see the real home
    from coach import paths

    return str(paths.cache_dir())


def test_no_fixture_of_any_scope_sees_the_real_home(home_seen_by_a_module_fixture: str) -> None:
    import tempfile

    assert home_seen_by_a_module_fixture.startswith(tempfile.gettempdir())
    assert "coach-test-home-" in home_seen_by_a_module_fixture


def test_library_caches_are_kept_out_of_the_real_home_too() -> None:
    # matplotlib and onnxruntime wrote ~/.cache and ~/.config during the suite (issue 12)
    import os
    import tempfile

    for variable in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "MPLCONFIGDIR"):
        assert os.environ[variable].startswith(tempfile.gettempdir()), variable
        assert "coach-test-home-" in os.environ[variable]
