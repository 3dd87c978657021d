"""Shift-Tab (inspect_request) and `Name?` show the toolkit's Javadoc, shipped with the kernel."""
from kernel_client import ROOT


def inspect(kernel, code):
    msg_id = kernel.kc.inspect(code, len(code))
    while True:
        reply = kernel.kc.get_shell_msg(timeout=60)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]


def test_the_kernel_ships_the_toolkit_sources():
    assert (ROOT / "kernel" / "target" / "lib" / "sources" / "org" / "fmplab" / "experiment" / "Tutorial.java").is_file()


def test_shift_tab_on_a_toolkit_method_shows_its_javadoc(kernel):
    content = inspect(kernel, "Tutorial.fromEnvironment")
    assert content["status"] == "ok" and content["found"], content
    text = content["data"]["text/plain"]
    assert "fromEnvironment()" in text and "The settings from FMPLAB_QUICK, FMPLAB_EPOCHS and FMPLAB_LIMIT." in text, text


def test_question_mark_on_a_toolkit_class_shows_its_javadoc_in_the_pager(kernel):
    content, _ = kernel.run("Tutorial?")
    text = content["payload"][0]["data"]["text/plain"]
    assert "org.fmplab.experiment.Tutorial" in text and "The notebooks' shared set-up" in text, text
