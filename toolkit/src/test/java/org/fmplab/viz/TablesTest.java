package org.fmplab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class TablesTest {
    static final Table T = Table.create("t", StringColumn.create("a|b", "x", "<y>"), StringColumn.create("c", "1", "2 & 3"));

    @Test
    void markdownEscapesPipes() {
        assertEquals("| a\\|b | c |\n|---|---|\n| x | 1 |\n| <y> | 2 & 3 |\n", Tables.markdown(T));
    }

    @Test
    void htmlEscapesMarkup() {
        assertEquals("<table><thead><tr><th>a|b</th><th>c</th></tr></thead><tbody><tr><td>x</td><td>1</td></tr>"
                + "<tr><td>&lt;y&gt;</td><td>2 &amp; 3</td></tr></tbody></table>", Tables.html(T));
    }
}
