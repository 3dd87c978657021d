"""binder/postBuild, as Binder runs it: a non-root user with a fresh HOME gets the `fmplab` kernelspec.

Binder itself cannot run here. The build step is skipped (FMPLAB_SKIP_BUILD=1) when the jars exist,
as they do after `./fmplab setup`; everything else runs as on Binder."""
import json
import os
import pathlib
import pwd
import shutil
import subprocess
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"
JUPYTER = shutil.which("jupyter")


def as_unprivileged(cmd, home, extra_env=None):
    """Runs cmd as `nobody` when we are root (else as ourselves) with a clean environment and HOME."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    if JUPYTER:
        env["PATH"] = f"{os.path.dirname(JUPYTER)}:{env['PATH']}"
    env.update(extra_env or {})
    prefix = []
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(home, nobody.pw_uid, nobody.pw_gid)
        prefix = ["runuser", "-u", "nobody", "--"]
    return subprocess.run(prefix + ["env", "-i"] + [f"{k}={v}" for k, v in env.items()] + cmd,
                          cwd=home, capture_output=True, text=True, timeout=600)


def test_apt_txt_lists_the_java_toolchain_fonts_and_the_dataset():
    packages = BINDER.joinpath("apt.txt").read_text().split()
    assert {"openjdk-17-jdk-headless", "maven", "fontconfig", "fonts-dejavu-core", "dataset-fashion-mnist"} <= set(packages)


def test_post_build_is_a_strict_bash_script_using_the_setup_install_path():
    text = BINDER.joinpath("postBuild").read_text()
    assert text.startswith("#!/usr/bin/env bash") and "set -e" in text
    assert os.access(BINDER / "postBuild", os.X_OK)
    assert "mvn -B" in text and "-DskipTests install" in text and "bash kernel/install.sh" in text
    assert "sudo" not in text and "apt-get" not in text  # Binder runs it without root


def test_post_build_installs_the_kernelspec_for_a_non_root_user_with_a_fresh_home():
    assert JUPYTER, "jupyter is installed by ./fmplab setup"
    assert list((ROOT / "kernel" / "target" / "lib").glob("fmplab-kernel-*.jar")), "the kernel is built by ./fmplab setup"
    # Not under pytest's tmp_path: its parents are private to us, and `nobody` must reach the HOME.
    home = pathlib.Path(tempfile.mkdtemp(prefix="fmplab-binder-home-"))
    try:
        check_post_build(home)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def check_post_build(home):
    r = as_unprivileged(["bash", str(BINDER / "postBuild")], home, {"FMPLAB_SKIP_BUILD": "1", "FMPLAB_SKIP_DATA": "1"})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "not building" in r.stderr

    spec_dir = home / ".local" / "share" / "jupyter" / "kernels" / "fmplab"
    spec = json.loads((spec_dir / "kernel.json").read_text())
    assert spec["display_name"] == "FMP Lab (Java)" and spec["language"] == "java"
    assert spec["interrupt_mode"] == "message"
    assert (spec_dir / "kernel.sh").is_file()
    assert pathlib.Path((spec_dir / "lib.path").read_text().strip()) == ROOT / "kernel" / "target" / "lib"

    listed = as_unprivileged([JUPYTER, "kernelspec", "list", "--json"], home)
    assert listed.returncode == 0, listed.stderr
    specs = json.loads(listed.stdout)["kernelspecs"]
    assert pathlib.Path(specs["fmplab"]["resource_dir"]) == spec_dir


def test_binder_start_sets_the_data_root_quick_mode_and_java_17_for_the_kernels():
    r = subprocess.run(["bash", str(BINDER / "start"), "bash", "-c",
                        "echo $FMPLAB_DATA; echo $FMPLAB_QUICK; java -XshowSettings:properties -version 2>&1 | grep java.specification.version"],
                       capture_output=True, text=True, env={"PATH": os.environ["PATH"]}, check=True)
    assert r.stdout.split() == [str(ROOT / "datasets" / "cache"), "1", "java.specification.version", "=", "17"]


def test_post_build_pins_java_17_builds_visibly_and_keeps_one_copy_of_the_jars():
    text = BINDER.joinpath("postBuild").read_text()
    assert "source binder/java17.sh" in text and "mvn -B -q" not in text and "-ntp" in text
    assert "ln -s ../../kernel/target/lib toolkit/target/lib" in text and 'rm -rf "$HOME/.m2/repository"' in text


def test_a_quick_notebook_runs_in_a_kernel_sized_for_a_2_gb_container(tmp_path):
    # The kernel launcher sizes the heap and ND4J's off-heap limit from FMPLAB_MEM_BYTES as it would
    # from a 2 GB container's cgroup limit; 00-quickstart, shrunk as in the browser test, must finish.
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(ROOT / "notebooks" / "00-quickstart.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        'System.out.println("MAX_HEAP=" + Runtime.getRuntime().maxMemory());\n'
        'System.out.println("MAX_OFFHEAP=" + org.bytedeco.javacpp.Pointer.maxBytes());'))
    two_gb = 2 * 1024 ** 3
    env = {**os.environ, "FMPLAB_MEM_BYTES": str(two_gb), "FMPLAB_QUICK": "1", "FMPLAB_LIMIT": "1000",
           "FMPLAB_EPOCHS": "1", "FMPLAB_CACHE": str(tmp_path / "cache")}
    NotebookClient(nb, timeout=1200, startup_timeout=300, kernel_name="fmplab",
                   resources={"metadata": {"path": str(tmp_path)}}).execute(env=env)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    out = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    values = dict(line.split("=", 1) for line in out.split())
    assert int(values["MAX_HEAP"]) <= two_gb * 0.30 and int(values["MAX_OFFHEAP"]) <= two_gb * 0.35, values


def test_fashion_mnist_fetch_deletes_a_download_whose_md5_differs_from_the_published_one(tmp_path):
    # Debian's files are recompressed, so their MD5s differ from the official archive's: a local
    # "mirror" of them must be refused, and nothing unverified may stay behind.
    debian = pathlib.Path("/usr/share/datasets/fashion-mnist")
    assert debian.is_dir(), "dataset-fashion-mnist is installed by ./fmplab setup"
    dest = tmp_path / "fashion-mnist"
    r = subprocess.run(["bash", str(BINDER / "fetch-fashion-mnist.sh"), str(dest)], capture_output=True, text=True,
                       env={**os.environ, "FASHION_MNIST_URL": debian.as_uri()}, timeout=120)
    assert r.returncode != 0
    assert "md5 checksum mismatch" in r.stderr and "train-images-idx3-ubyte.gz" in r.stderr
    assert not list(dest.glob("*.gz")), "an unverified file was kept"
