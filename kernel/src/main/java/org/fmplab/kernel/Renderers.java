package org.fmplab.kernel;

import org.dflib.jjava.jupyter.kernel.display.RenderContext;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.fmplab.render.HtmlRenderable;
import org.fmplab.viz.ImageGrid;
import org.fmplab.render.ImageRenderable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import tech.tablesaw.api.Table;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * How notebook values are shown: XChart charts and images as PNG, Tablesaw tables and the toolkit's
 * results as HTML, ND4J image batches as a PNG grid (the toolkit's {@link ImageGrid}). {@code BufferedImage} and other
 * {@code RenderedImage}s are already shown as PNG by the base library.
 */
public final class Renderers {

    /** Most rows of a table shown in HTML; longer tables show their head and a row count. */
    public static final int MAX_TABLE_ROWS = 50;
    /** Most images of a batch shown in one grid. */
    public static final int MAX_GRID_IMAGES = 64;

    private Renderers() {
    }

    /** Registers every FMP Lab renderer on the kernel's renderer. */
    public static void registerAll(Renderer renderer) {
        renderer.createRegistration(Chart.class)
                .preferring(MIMEType.IMAGE_PNG)
                .register(Renderers::renderChart);
        renderer.createRegistration(Table.class)
                .preferring(MIMEType.TEXT_HTML)
                .register((table, ctx) -> ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> tableHtml(table)));
        // A result may implement both interfaces: whichever is found first renders both forms.
        renderer.createRegistration(HtmlRenderable.class)
                .preferring(MIMEType.TEXT_HTML, MIMEType.IMAGE_PNG)
                .register(Renderers::renderResult);
        renderer.createRegistration(ImageRenderable.class)
                .preferring(MIMEType.TEXT_HTML, MIMEType.IMAGE_PNG)
                .register(Renderers::renderResult);
        renderer.createRegistration(INDArray.class)
                .preferring(MIMEType.IMAGE_PNG)
                .register(Renderers::renderArray);
    }

    private static void renderChart(Chart<?, ?> chart, RenderContext ctx) {
        ctx.renderIfRequested(MIMEType.IMAGE_PNG, () -> {
            try {
                return Base64.getEncoder().encodeToString(
                        BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        String title = chart.getTitle();
        ctx.getOutputContainer().putText(chart.getClass().getSimpleName()
                + (title == null || title.isBlank() ? "" : ": " + title));
    }

    /** A toolkit result may know both forms; show whichever it has. */
    private static void renderResult(Object result, RenderContext ctx) {
        if (result instanceof HtmlRenderable h) ctx.renderIfRequested(MIMEType.TEXT_HTML, h::toHtml);
        if (result instanceof ImageRenderable i) ctx.renderIfRequested(MIMEType.IMAGE_PNG, () -> png(i.toImage()));
    }

    private static void renderArray(INDArray array, RenderContext ctx) {
        BufferedImage grid = looksLikeImages(array) ? imageGrid(array, MAX_GRID_IMAGES) : null;
        if (grid != null) ctx.renderIfRequested(MIMEType.IMAGE_PNG, () -> png(grid));
    }

    /** Base64 PNG of an image, as Jupyter wants it. */
    public static String png(RenderedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    /** Rank 4 {@code [N,C,H,W]} or rank 3 {@code [C,H,W]} with 1 or 3 channels and images of at least 8x8. */
    static boolean looksLikeImages(INDArray a) {
        long[] s = a.shape();
        int r = a.rank();
        if (r != 3 && r != 4) return false;
        long c = s[r - 3], h = s[r - 2], w = s[r - 1];
        return (c == 1 || c == 3) && h >= 8 && w >= 8 && a.length() > 0;
    }

    /**
     * A grid of the first {@code maxImages} images of a batch {@code [N,C,H,W]} (or one image
     * {@code [C,H,W]}), values in [0,1] (or [0,255], detected), small images scaled up.
     *
     * @return the grid, or {@code null} when the array is not an image batch
     */
    public static BufferedImage imageGrid(INDArray array, int maxImages) {
        if (!looksLikeImages(array)) return null;
        INDArray batch = array.rank() == 3 ? array.reshape(1, array.size(0), array.size(1), array.size(2)) : array;
        int n = (int) Math.min(batch.size(0), Math.max(1, maxImages));
        INDArray shown = batch.get(NDArrayIndex.interval(0, n), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())
                .castTo(DataType.FLOAT);
        if (shown.maxNumber().doubleValue() > 1.5) shown = shown.div(255);
        int scale = Math.max(1, 64 / (int) Math.max(batch.size(2), batch.size(3)));
        return ImageGrid.of(shown, (int) Math.ceil(Math.sqrt(n)), scale);
    }

    /** An HTML table of a Tablesaw table: its name, shape and first {@link #MAX_TABLE_ROWS} rows. */
    public static String tableHtml(Table table) {
        StringBuilder sb = new StringBuilder("<table class=\"dataframe\">\n");
        sb.append("<caption style=\"text-align:left\">").append(escape(table.name() == null ? "" : table.name()))
                .append(" (").append(table.rowCount()).append(" rows &times; ").append(table.columnCount())
                .append(" columns)</caption>\n<thead><tr>");
        for (String name : table.columnNames()) sb.append("<th>").append(escape(name)).append("</th>");
        sb.append("</tr></thead>\n<tbody>\n");
        int shown = Math.min(table.rowCount(), MAX_TABLE_ROWS);
        for (int r = 0; r < shown; r++) {
            sb.append("<tr>");
            for (int c = 0; c < table.columnCount(); c++) {
                sb.append("<td>").append(escape(table.column(c).getString(r))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        if (shown < table.rowCount()) {
            sb.append("<tr><td colspan=\"").append(table.columnCount()).append("\">&hellip; ")
                    .append(table.rowCount() - shown).append(" more rows</td></tr>\n");
        }
        return sb.append("</tbody>\n</table>").toString();
    }

    /** Escapes text for HTML. */
    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }
}
