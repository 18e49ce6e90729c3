import signal
import subprocess
import sys

import pytest

from generator.write import OutputError, check_output_dir, safe_relative, write_site


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
