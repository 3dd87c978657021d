"""Shared set-up for the kernel tests: the `fmplab` kernelspec must be installed.

`./fmplab setup` installs it; when it is missing but the kernel is built, install it here
(kernel/install.sh is idempotent and needs no root)."""
import subprocess

import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

from kernel_client import KERNEL, ROOT, Kernel


def pytest_sessionstart(session):
    try:
        KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        if not list((ROOT / "kernel" / "target" / "lib").glob("fmplab-kernel-*.jar")):
            raise pytest.UsageError("the fmplab kernel is not built: run ./fmplab setup")
        subprocess.run(["bash", str(ROOT / "kernel" / "install.sh")], check=True)


@pytest.fixture(scope="module")
def kernel():
    k = Kernel()
    yield k
    k.shutdown()
