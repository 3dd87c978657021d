"""A blocking client for the fmplab kernel, shared by the kernel tests and not a test itself."""
import pathlib
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
KERNEL = "fmplab"


class Kernel:
    """A running fmplab kernel with a blocking client: run a cell, get its reply and outputs."""

    def __init__(self):
        from jupyter_client.manager import start_new_kernel
        self.km, self.kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=120)

    def send(self, code):
        """Sends a cell without waiting; returns its message id."""
        return self.kc.execute(code, allow_stdin=False)

    def collect(self, msg_id, timeout=120):
        """Waits for a sent cell: (execute_reply content, [iopub output messages])."""
        outputs = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=timeout)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "status" and msg["content"]["execution_state"] == "idle":
                break
            if kind not in ("status", "execute_input"):
                outputs.append(msg)
        while True:
            reply = self.kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"], outputs

    def run(self, code, timeout=120):
        return self.collect(self.send(code), timeout)

    def shutdown(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=False)


def stdout_of(outputs):
    return "".join(m["content"]["text"] for m in outputs
                   if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")


def result_of(outputs, mime="text/plain"):
    for m in outputs:
        if m["msg_type"] == "execute_result":
            return m["content"]["data"].get(mime)
    return None


def interrupt_after_start(kernel, code, wait_for):
    """Runs code, interrupts it once `wait_for(msg)` sees it running; returns (reply, outputs, seconds)."""
    msg_id = kernel.send(code)
    deadline = time.time() + 300  # generous: the first batch of a first training run is slow on a busy machine
    while time.time() < deadline:
        msg = kernel.kc.get_iopub_msg(timeout=300)
        if msg["parent_header"].get("msg_id") == msg_id and wait_for(msg):
            break
    else:
        pytest.fail("the cell never started")
    start = time.time()
    kernel.km.interrupt_kernel()
    reply, outputs = kernel.collect(msg_id, timeout=30)
    return reply, outputs, time.time() - start
