"""What the notebook user sees: interrupts, errors, magics, rendering."""
import pathlib
import re
import shutil
import subprocess
import time

import pytest

from kernel_client import ROOT, interrupt_after_start, result_of, stdout_of

KERNEL_INTERNALS = ("org.fmplab.kernel", "jdk.jshell", "jdk.internal", "org.dflib")

# A long toolkit-style loop: ProgressTracker.step reports to the notebook's progress bar, then
# checks for interruption, like the toolkit's training and ranking loops.
LONG_LOOP = """
var tracker = new ProgressTracker(progressBar(), "train", "batch", 1_000_000_000L);
double work = 0;
while (true) {
    for (int i = 0; i < 20_000; i++) work += Math.sin(i);  // one "batch"
    tracker.step(1, Map.of("loss", work));
}
"""


def test_interrupt_stops_a_long_toolkit_loop_within_2_s(kernel):
    reply, outputs, seconds = interrupt_after_start(
        kernel, LONG_LOOP, lambda m: m["msg_type"] == "display_data")
    assert reply["status"] == "error"
    assert reply["ename"] == "InterruptedWorkException"
    assert seconds < 2.0, f"the cell took {seconds:.2f} s to stop"
    content, _ = kernel.run("1 + 1")
    assert content["status"] == "ok"


def test_interrupt_stops_a_plain_loop(kernel):
    # User code that never checks for interruption is stopped (Thread.stop) after the grace period.
    # Java 20 and later have no Thread.stop: there a loop must check Thread.interrupted() itself,
    # which is what the kernel's README tells users; that path is what this test asserts there.
    _, outputs = kernel.run("Runtime.version().feature()")
    check = "" if int(result_of(outputs)) < 20 else "if (Thread.interrupted()) throw new InterruptedException(); "
    reply, _, seconds = interrupt_after_start(
        kernel, 'System.out.println("spinning"); long n = 0; while (true) { ' + check + 'n++; }',
        lambda m: m["msg_type"] == "stream")
    assert reply["status"] == "error"
    assert reply["ename"] == "InterruptedException"
    assert seconds < 2.5
    content, outputs = kernel.run("40 + 2")
    assert content["status"] == "ok" and result_of(outputs) == "42"


def test_exception_shows_the_users_exception_and_kernel_survives(kernel):
    content, outputs = kernel.run(
        'class BudgetExceeded extends RuntimeException { BudgetExceeded(String m) { super(m); } }\n'
        'void spend(int n) { if (n > 3) throw new BudgetExceeded("spent " + n + " of 3"); }\n'
        'spend(5);')
    assert content["status"] == "error"
    assert content["ename"] == "BudgetExceeded"
    assert content["evalue"] == "spent 5 of 3"
    errors = [m for m in outputs if m["msg_type"] == "error"]
    assert len(errors) == 1
    trace = "\n".join(errors[0]["content"]["traceback"])
    assert "BudgetExceeded: spent 5 of 3" in trace
    assert not any(internal in trace for internal in KERNEL_INTERNALS), trace
    content, outputs = kernel.run('"still alive"')
    assert content["status"] == "ok" and result_of(outputs) == "still alive"


def test_library_exception_keeps_its_class_and_cause(kernel):
    content, outputs = kernel.run('Integer.parseInt("seven")')
    assert content["ename"] == "NumberFormatException"
    assert 'For input string: "seven"' in content["evalue"]


def test_compile_error_is_readable_and_kernel_survives(kernel):
    content, outputs = kernel.run('int ok = 1;\nString s = 42;')
    assert content["status"] == "error"
    assert content["ename"] == "CompilationException"
    assert "line 2" in content["evalue"] and "incompatible types" in content["evalue"]
    assert "String s = 42;" in "\n".join(outputs[0]["content"]["traceback"])
    content, outputs = kernel.run("ok + 1")
    assert content["status"] == "ok" and result_of(outputs) == "2"


def test_stack_overflow_is_reported_and_kernel_survives(kernel):
    content, _ = kernel.run("int down(int n) { return down(n + 1) + 1; }\ndown(0)")
    assert content["status"] == "error" and content["ename"] == "StackOverflowError"
    content, outputs = kernel.run("3 * 3")
    assert result_of(outputs) == "9"


def test_jars_of_a_missing_path_is_a_clear_error(kernel):
    content, _ = kernel.run("%jars /no/such/dir/missing.jar")
    assert content["status"] == "error"
    assert "no file matches '/no/such/dir/missing.jar'" in content["evalue"]


def test_jars_adds_a_jar(kernel, tmp_path):
    src = tmp_path / "demo" / "Greeter.java"
    src.parent.mkdir()
    src.write_text('package demo; public class Greeter { public String hi() { return "hi from a jar"; } }')
    subprocess.run(["javac", "-d", str(tmp_path / "classes"), str(src)], check=True)
    subprocess.run(["jar", "cf", str(tmp_path / "greeter.jar"), "-C", str(tmp_path / "classes"), "."], check=True)
    content, outputs = kernel.run(f"%jars {tmp_path}/*.jar\nnew demo.Greeter().hi()")
    assert content["status"] == "ok", content
    assert result_of(outputs) == "hi from a jar"


def test_classpath_magic_lists_the_toolkit(kernel):
    content, outputs = kernel.run("%classpath")
    assert content["status"] == "ok"
    assert "fmplab-toolkit" in stdout_of(outputs)


def test_load_runs_a_file_as_if_typed(kernel, tmp_path):
    (tmp_path / "helpers.jsh").write_text("int answer() { return 41; }\n")
    content, outputs = kernel.run(f"%load {tmp_path}/helpers.jsh\nanswer() + 1")
    assert content["status"] == "ok", content
    assert result_of(outputs) == "42"


def test_maven_offline_resolves_from_the_local_repository(kernel):
    # junit-jupiter-api is in the local repository (a test dependency of the toolkit), not on the
    # kernel's class path.
    pom = (ROOT / "pom.xml").read_text()
    version = re.search(r"<junit.version>(.+?)</junit.version>", pom).group(1)
    assert (pathlib.Path.home() / f".m2/repository/org/junit/jupiter/junit-jupiter-api/{version}").exists(), \
        "the Maven build (./fmplab setup) resolves junit-jupiter-api into the local repository"
    content, outputs = kernel.run(
        f"%maven -o org.junit.jupiter:junit-jupiter-api:{version}\n"
        "org.junit.jupiter.api.Assertions.class.getSimpleName()", timeout=300)
    assert content["status"] == "ok", content
    assert "added" in stdout_of(outputs)
    assert result_of(outputs) == "Assertions"


def test_display_returns_an_id_that_updates_in_place(kernel):
    content, outputs = kernel.run('String id = display(html("<b>1</b>"));\nupdateDisplay(id, html("<b>2</b>"));')
    kinds = [m["msg_type"] for m in outputs]
    assert kinds == ["display_data", "update_display_data"]
    assert outputs[0]["content"]["transient"]["display_id"] == outputs[1]["content"]["transient"]["display_id"]


def test_cell_ending_in_display_shows_no_id(kernel):
    content, outputs = kernel.run('display(html("<i>x</i>"))')
    assert [m["msg_type"] for m in outputs] == ["display_data"]


def test_toolkit_results_render_as_html_and_png(kernel):
    content, outputs = kernel.run(
        "record Score(double acc) implements org.fmplab.render.HtmlRenderable, org.fmplab.render.ImageRenderable {\n"
        "  public String toHtml() { return \"<table><tr><td>\" + acc + \"</td></tr></table>\"; }\n"
        "  public java.awt.image.BufferedImage toImage() { return new java.awt.image.BufferedImage(4, 4, 1); }\n"
        "}\n"
        "new Score(0.93)")
    data = [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]
    assert "<td>0.93</td>" in data["text/html"]
    assert "image/png" in data


def test_progress_bar_is_one_updating_display(kernel):
    content, outputs = kernel.run(
        'var t = new ProgressTracker(progressBar(), "rank", "channel", 30);\n'
        'for (int i = 0; i < 30; i++) { t.step(1, Map.of("score", i * 0.1)); Thread.sleep(10); }')
    assert content["status"] == "ok"
    displays = [m for m in outputs if m["msg_type"] == "display_data"]
    updates = [m for m in outputs if m["msg_type"] == "update_display_data"]
    assert len(displays) == 1
    assert 1 <= len(updates) < 30  # throttled
    final = updates[-1]["content"]["data"]
    assert "30/30 channel" in final["text/plain"] and "<progress" in final["text/html"]


def test_cells_queued_behind_a_failing_cell_are_aborted(kernel):
    # "Run All": every cell is sent at once; after a failure the rest must not run.
    failing = kernel.send('Thread.sleep(300);\nthrow new IllegalStateException("stop here");')
    queued = kernel.send('System.out.println("must not run");')
    content, _ = kernel.collect(failing)
    assert content["status"] == "error"
    content, outputs = kernel.collect(queued)
    assert content["status"] == "aborted"
    assert "must not run" not in stdout_of(outputs)
    content, outputs = kernel.run("1 + 2")  # sent after the failure: runs
    assert content["status"] == "ok" and result_of(outputs) == "3"


def test_a_toolkit_result_record_renders_as_html(kernel):
    content, outputs = kernel.run('new StageResult("fine-tuned", 0.91, 0.02, 0.85, 0.97, 12.0)')
    assert content["status"] == "ok", content
    data = [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]
    assert "text/html" in data and "fine-tuned" in data["text/html"]


def test_question_mark_shows_signatures_of_toolkit_classes_in_the_pager(kernel):
    content, outputs = kernel.run("Trainer?")
    assert content["status"] == "ok" and outputs == []
    [page] = content["payload"]
    assert page["source"] == "page" and "org.fmplab" in page["data"]["text/plain"]
    content, _ = kernel.run("?noSuchThingAnywhere")
    assert "No signature or documentation found for `noSuchThingAnywhere`" in content["payload"][0]["data"]["text/plain"]
    content, outputs = kernel.run("int flag = 2;\nflag > 1 ? flag : 0")  # a ternary is code, not help
    assert content["status"] == "ok" and result_of(outputs) == "2"


def test_restart_and_shutdown(kernel):
    kernel.run("int beforeRestart = 1;")
    kernel.km.restart_kernel(now=False)
    kernel.kc.wait_for_ready(timeout=60)
    content, outputs = kernel.run("beforeRestart")
    assert content["status"] == "error" and content["ename"] == "CompilationException", "a fresh JShell"
    content, outputs = kernel.run("2 + 3")
    assert result_of(outputs) == "5"
    start = time.time()
    kernel.kc.shutdown()
    while kernel.km.is_alive() and time.time() - start < 10:
        time.sleep(0.1)
    assert not kernel.km.is_alive(), "the kernel exits by itself after shutdown_request"
    assert time.time() - start < 5
