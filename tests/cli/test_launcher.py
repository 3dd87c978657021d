"""The `fmplab` launcher: help and version without building, builds only when sources changed, JVM
memory sized from the machine (or FMPLAB_MEM_BYTES) unless FMPLAB_JAVA_OPTS says otherwise, and `run`
needing only the run-time Debian packages.

`java`, `mvn`, `id` and `dpkg-query` are replaced by stubs on PATH that record their calls, so nothing
here builds or trains. The build-skipping tests need the checkout built by ./fmplab setup (its stamp)."""
import os
import pathlib
import re
import stat
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "fmplab"
HELP = ROOT / "toolkit" / "src" / "main" / "resources" / "org" / "fmplab" / "experiment" / "help"
GIB = 1024 ** 3


def launcher_text(name):
    """A Bash array from the launcher, e.g. RUN_DEBS."""
    m = re.search(rf"^{name}=\(([^)]*)\)", LAUNCHER.read_text(), re.MULTILINE)
    return m.group(1).split()


@pytest.fixture
def stubs(tmp_path):
    """A PATH whose java, mvn, id and dpkg-query only log their arguments to tmp_path/calls."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls"
    installed = tmp_path / "installed"          # packages dpkg-query reports as installed
    installed.write_text("\n".join(launcher_text("RUN_DEBS")) + "\n")
    scripts = {
        "java": f'echo "java $*" >> {log}',
        "mvn": f'echo "mvn $*" >> {log}; exit 1',
        "id": 'echo 1000',                        # a non-root user
        "dpkg-query": f'for p; do :; done; grep -qx "$p" {installed} && printf "install ok installed"; true',
    }
    for name, body in scripts.items():
        f = bin_dir / name
        f.write_text("#!/bin/sh\n" + body + "\n")
        f.chmod(f.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}

    def run(*args, **extra_env):
        r = subprocess.run([str(LAUNCHER), *args], capture_output=True, text=True, timeout=60,
                           env={**env, **extra_env})
        calls = log.read_text().splitlines() if log.exists() else []
        log.unlink(missing_ok=True)
        return r, calls
    return run


@pytest.mark.parametrize("cmd", ["run", "compare", "bench", "study", "import-model", "diagnose-ranking", "tutorial-models"])
def test_help_of_a_java_command_prints_its_text_without_java_or_a_build(stubs, cmd):
    r, calls = stubs(cmd, "--help")
    assert r.returncode == 0, r.stderr
    assert r.stdout == (HELP / f"{cmd}.txt").read_text()
    assert calls == []


@pytest.mark.parametrize("cmd", ["setup", "test", "notebook", "run", "compare", "bench"])
def test_every_command_answers_help_and_version_without_building(stubs, cmd):
    for flag in ("--help", "--version"):
        r, calls = stubs(cmd, flag)
        assert r.returncode == 0 and r.stdout.strip(), (cmd, flag, r.stderr)
        assert calls == [], (cmd, flag)
    r, _ = stubs(cmd, "--version")
    assert re.fullmatch(r"fmplab \S+( \(commit [0-9a-f]+\))?", r.stdout.strip()), r.stdout


def built():
    return (ROOT / "target" / "fmplab-build.stamp").is_file()


@pytest.fixture
def up_to_date_build():
    if not built():
        pytest.fail("the checkout is not built by ./fmplab setup (target/fmplab-build.stamp is missing)")


def java_call(calls):
    javas = [c for c in calls if c.startswith("java ")]
    assert len(javas) == 1, calls
    assert not [c for c in calls if c.startswith("mvn ")], f"built although the sources did not change: {calls}"
    return javas[0]


def test_run_on_an_up_to_date_checkout_does_not_build_and_sizes_memory_from_the_machine(stubs, up_to_date_build):
    r, calls = stubs("run", "--quick", FMPLAB_MEM_BYTES=str(24 * GIB))
    assert r.returncode == 0, r.stderr
    call = java_call(calls)
    assert f"-Xmx{24 * GIB // 100 * 25 // 2 ** 20}m" in call and f"-Dorg.bytedeco.javacpp.maxbytes={24 * GIB // 100 * 50}" in call, call
    assert call.endswith("org.fmplab.experiment.Main run --quick")


def test_a_2_gb_container_gets_the_small_memory_shares(stubs, up_to_date_build):
    _, calls = stubs("compare", "--quick", FMPLAB_MEM_BYTES=str(2 * GIB))
    call = java_call(calls)
    assert f"-Xmx{2 * GIB // 100 * 30 // 2 ** 20}m" in call, call
    assert f"-Dorg.bytedeco.javacpp.maxbytes={2 * GIB // 100 * 35}" in call, call


def test_fmplab_java_opts_replace_the_sizing(stubs, up_to_date_build):
    _, calls = stubs("run", FMPLAB_JAVA_OPTS="-Xmx1g -Dorg.bytedeco.javacpp.maxbytes=2G")
    call = java_call(calls)
    assert "-Xmx1g -Dorg.bytedeco.javacpp.maxbytes=2G" in call, call
    assert call.count("-Xmx") == 1 and call.count("maxbytes") == 1, call


def test_a_non_root_user_with_only_the_run_time_packages_can_run_but_not_set_up(stubs, up_to_date_build):
    r, calls = stubs("run")
    assert r.returncode == 0 and java_call(calls), r.stderr
    r, calls = stubs("setup")
    assert r.returncode != 0
    missing = re.search(r"missing Debian packages: (.*)", r.stderr).group(1).split()
    assert missing == launcher_text("TEST_DEBS")
    assert calls == []


def test_a_source_newer_than_the_last_build_triggers_a_build(stubs, up_to_date_build):
    stamp = ROOT / "target" / "fmplab-build.stamp"
    before = stamp.stat()
    newest = max(p.stat().st_mtime for p in (ROOT / "toolkit" / "src").rglob("*") if p.is_file())
    try:
        os.utime(stamp, (newest - 60, newest - 60))      # as if a source was edited after the build
        r, calls = stubs("run", "--quick")
        assert any(c.startswith("mvn ") and "install" in c for c in calls), calls
        assert r.returncode != 0 and not [c for c in calls if c.startswith("java ")]  # the stub build fails
    finally:
        os.utime(stamp, ns=(before.st_atime_ns, before.st_mtime_ns))
