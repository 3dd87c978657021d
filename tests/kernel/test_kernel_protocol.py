"""The Jupyter messaging protocol, checked with jupyter_kernel_test's standard tests."""
import jupyter_kernel_test

CHART = ('XYChart c = new XYChartBuilder().width(300).height(200).title("squares").build();\n'
         'c.addSeries("y", new double[] {1, 2, 3}, new double[] {1, 4, 9});\n')
TABLE = 'Table.create("t").addColumns(DoubleColumn.create("x", 1.5, 2.5), StringColumn.create("name", "a", "<b>"))'


class FmpLabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "fmplab"
    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("something went wrong");'

    completion_samples = [
        {"text": "Math.ma", "matches": {"max("}},
        {"text": "System.out.printl", "matches": {"println("}},
        {"text": "Integer.parseI", "matches": {"parseInt("}},
    ]

    complete_code_samples = ["1 + 1", "int x = 1;", "System.out.println(1);",
                             "for (int i = 0; i < 2; i++) { }", "%jars some.jar"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "1 +", "int[] a = {1, 2",
                               "class A {"]
    invalid_code_samples = ["int x = ;", "}", '"abc']

    code_generate_error = 'throw new IllegalStateException("boom");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"hel" + "lo"', "result": "hello"},
        {"code": 'html("<b>bold</b>")', "mime": "text/html"},
        {"code": CHART + "c", "mime": "image/png"},
        {"code": TABLE, "mime": "text/html"},
    ]

    code_display_data = [
        {"code": 'display(html("<i>shown</i>"));', "mime": "text/html"},
        {"code": 'display(markdown("**shown**"));', "mime": "text/markdown"},
        {"code": "display(new java.awt.image.BufferedImage(16, 16, java.awt.image.BufferedImage.TYPE_INT_RGB));",
         "mime": "image/png"},
        {"code": CHART + "display(c);", "mime": "image/png"},
    ]

    code_history_pattern = "6 * 7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_page_something = "Math.max?"

    code_clear_output = 'System.out.println("soon gone"); clearOutput();'
