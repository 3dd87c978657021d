package org.fmplab.kernel;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RenderersTest {

    @Test
    void tablesAreEscapedAndCutAfterMaxRows() {
        int n = Renderers.MAX_TABLE_ROWS + 7;
        String[] names = new String[n];
        java.util.Arrays.fill(names, "<b>");
        Table t = Table.create("big").addColumns(IntColumn.indexColumn("i", n, 0), StringColumn.create("name", names));
        String html = Renderers.tableHtml(t);
        assertTrue(html.contains("&lt;b&gt;") && !html.contains("<b>"));
        assertTrue(html.contains("7 more rows"));
        assertTrue(html.contains("(" + n + " rows &times; 2 columns)"));
    }

    @Test
    void imageBatchesBecomeAGrid() {
        BufferedImage grid = Renderers.imageGrid(Nd4j.rand(DataType.FLOAT, 5, 3, 16, 16), 64);
        // 5 images in 3 columns and 2 rows, 16 px scaled by 4, 2 px gaps
        assertEquals(3 * (64 + 2) + 2, grid.getWidth());
        assertEquals(2 * (64 + 2) + 2, grid.getHeight());
        assertNull(Renderers.imageGrid(Nd4j.rand(DataType.FLOAT, 4, 5), 64), "a matrix is not an image");
    }
}
