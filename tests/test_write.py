import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.write import OutputError, check_output_dir, safe_relative, write_site
from synthetic import write_synthetic


def test_a_new_site_replaces_the_old_one_completely(tmp_path):
    out = tmp_path / "site"
    write_site({"index.html": b"old", "gone/index.html": b"x"}, out)
    write_site({"index.html": b"new", "events/a/index.html": b"a"}, out)
    assert (out / "index.html").read_bytes() == b"new"
    assert not (out / "gone").exists() and (out / "events/a/index.html").read_bytes() == b"a"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no staging folders left behind


def test_a_failed_write_leaves_the_previous_site_untouched(tmp_path):
    out = tmp_path / "site"
    write_site({"index.html": b"old"}, out)
    with pytest.raises(OutputError):
        write_site({"index.html": b"new", "../escape.html": b"x"}, out)
    assert (out / "index.html").read_bytes() == b"old"
    assert not (tmp_path / "escape.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


@pytest.mark.parametrize("path", ["../x", "/etc/passwd", "a/../../x", "a\\..\\x", "", "a//b", "./a"])
def test_paths_cannot_leave_the_output_folder(path):
    with pytest.raises(OutputError):
        safe_relative(path)


def test_output_folder_may_not_swallow_the_content(tmp_path):
    content = tmp_path / "project" / "content"
    content.mkdir(parents=True)
    with pytest.raises(OutputError):
        check_output_dir(tmp_path / "project", protected=[content])
    with pytest.raises(OutputError):
        check_output_dir(content, protected=[content])
    check_output_dir(tmp_path / "project" / "_site", protected=[content])


def test_the_root_the_home_folder_a_file_and_a_link_are_refused_as_output_folders(tmp_path):
    for folder in (Path("/"), Path.home()):
        with pytest.raises(OutputError, match="refusing to use"):
            check_output_dir(folder, protected=[])
    (tmp_path / "a-file").write_text("precious")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "precious.txt").write_text("precious")
    os.symlink(tmp_path / "elsewhere", tmp_path / "a-link")
    for name in ("a-file", "a-link"):
        with pytest.raises(OutputError, match="is not a folder"):
            write_site({"index.html": b"x"}, tmp_path / name)
    assert (tmp_path / "a-file").read_text() == "precious"
    assert sorted(p.name for p in (tmp_path / "elsewhere").iterdir()) == ["precious.txt"]


def test_a_build_killed_half_way_leaves_the_previous_output_intact(tmp_path):
    out = tmp_path / "site"
    write_site({"index.html": b"previous"}, out)
    script = (
        "import sys, time\n"
        "from generator import write\n"
        "original = write._swap_in\n"
        "def slow(*args):\n"
        "    print('staged', flush=True); time.sleep(60)\n"
        "write._swap_in = slow\n"
        "write.write_site({f'events/{i}/index.html': b'new' * 100 for i in range(2000)}, sys.argv[1])\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script, str(out)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "staged"  # the new site is fully written but not swapped in
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert (out / "index.html").read_bytes() == b"previous"
    assert not (out / "events").exists()
    write_site({"index.html": b"next"}, out)  # the next build clears what the killed one left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_site_left_aside_by_a_killed_swap_is_put_back_before_anything_else(tmp_path):
    """Where folders cannot be exchanged in one step, the old site is moved aside, then the new one
    in; a build killed between the two leaves no site. The next build restores it first, so even
    if that build fails, the previous site is there."""
    out = tmp_path / "site"
    aside = tmp_path / ".site-old-x1y2" / "site"
    aside.mkdir(parents=True)
    (aside / "index.html").write_bytes(b"previous")
    with pytest.raises(OutputError):
        write_site({"index.html": b"new", "../escape.html": b"x"}, out)
    assert (out / "index.html").read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def digests(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def staging_folder(parent: Path) -> Path | None:
    return next(iter(parent.glob(".site-new-*")), None)


def rendering(parent: Path) -> bool:
    staging = staging_folder(parent)
    try:
        return staging is not None and len(os.listdir(staging / "events")) >= 100
    except OSError:
        return False


def indexing(parent: Path) -> bool:
    staging = staging_folder(parent)
    return staging is not None and (staging / "pagefind").exists()


@pytest.mark.parametrize("moment", [rendering, indexing, 0.3, 0.6])  # or a share of a whole build's time
def test_a_real_build_killed_at_any_moment_leaves_the_previous_site_whole(tmp_path, moment):
    content = write_synthetic(tmp_path / "content", 500)
    out = tmp_path / "site"
    command = [sys.executable, "-m", "generator", "build", "--content", str(content), "--out", str(out), "--quiet",
               "--no-cache"]
    started = time.monotonic()
    subprocess.run(command, check=True, timeout=300)
    whole_build = time.monotonic() - started
    before = digests(out)
    site = content / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("title: ", "title: Renamed ", 1), encoding="utf-8")

    build = subprocess.Popen(command, start_new_session=True)  # its workers and Pagefind share its group
    started = time.monotonic()
    while not (moment(tmp_path) if callable(moment) else time.monotonic() - started >= moment * whole_build):
        assert build.poll() is None, "the build ended before the moment to kill it"
        assert time.monotonic() - started < 120
        time.sleep(0.005)
    os.killpg(build.pid, signal.SIGKILL)
    build.wait()
    assert digests(out) == before

    subprocess.run(command, check=True, timeout=300)  # the next build finishes what was started...
    assert b"Renamed " in (out / "index.html").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site"]  # ...and clears what was left
