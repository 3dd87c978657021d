"""IPython-style magics of the fmplab kernel: %time / %%time, %%bash, %mavenRepo."""
from kernel_client import result_of, stdout_of


def test_cell_time_magic_reports_the_wall_time_and_keeps_the_result(kernel):
    content, outputs = kernel.run("%%time\nint product = 6 * 7;\nproduct")
    assert content["status"] == "ok", content
    assert "Wall time: " in stdout_of(outputs)
    assert result_of(outputs) == "42"


def test_line_time_magic_times_its_line_then_runs_the_rest(kernel):
    content, outputs = kernel.run("%time Thread.sleep(20);\nint after = 5;\nafter + 1")
    assert content["status"] == "ok", content
    assert stdout_of(outputs).count("Wall time: ") == 1
    assert result_of(outputs) == "6"


def test_bash_cell_streams_its_output_and_fails_on_a_non_zero_exit(kernel, tmp_path):
    content, outputs = kernel.run(f"%%bash\necho hello from bash\nls {tmp_path} | wc -l")
    assert content["status"] == "ok", content
    assert stdout_of(outputs).split() == ["hello", "from", "bash", "0"]
    content, outputs = kernel.run("%%bash\necho before failing\nexit 3")
    assert content["status"] == "error"
    assert "exit code 3" in content["evalue"]
    assert "before failing" in stdout_of(outputs)


def test_maven_repo_registers_a_repository_and_rejects_a_bad_url(kernel):
    content, outputs = kernel.run("%mavenRepo local file:///tmp/fmplab-repo")
    assert content["status"] == "ok", content
    assert "%mavenRepo: local -> file:///tmp/fmplab-repo" in stdout_of(outputs)
    content, _ = kernel.run("%mavenRepo bad ftp://example.org")
    assert content["status"] == "error" and "'ftp://example.org'" in content["evalue"]
