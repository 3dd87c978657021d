package org.fmplab.kernel;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;
import java.util.UUID;

/**
 * The functions every notebook cell can call without a prefix (the kernel imports them statically).
 * The IJava ones keep their names and signatures ({@code display}, {@code render},
 * {@code updateDisplay}) so notebooks move between the two kernels unchanged.
 *
 * <pre>{@code
 * String id = display(html("<b>starting</b>"));
 * updateDisplay(id, html("<b>done</b>"));
 * trainer.fit(model, data, progressBar());   // one updating progress display
 * }</pre>
 */
public final class Notebook {

    /** The id the last {@link #display} call returned: a cell ending in display(...) does not show it. */
    static volatile String lastDisplayId;

    private Notebook() {
    }

    private static BaseKernel kernel() {
        return BaseKernel.notebookKernel();
    }

    /** Renders a value the way a cell's last expression would be shown, without showing it. */
    public static DisplayData render(Object value) {
        return value instanceof DisplayData d ? d : kernel().getRenderer().render(value);
    }

    /** Renders a value as the given MIME types only, e.g. {@code render(chart, "image/png")}. */
    public static DisplayData render(Object value, String... mimeTypes) {
        return value instanceof DisplayData d ? d : kernel().getRenderer().renderAs(value, mimeTypes);
    }

    /** Shows a value now, below the cell, and returns its display id for {@link #updateDisplay}. */
    public static String display(Object value) {
        return show(render(value));
    }

    /** Shows a value as the given MIME types and returns its display id. */
    public static String display(Object value, String... mimeTypes) {
        return show(render(value, mimeTypes));
    }

    private static String show(DisplayData data) {
        String id = data.getDisplayId();
        if (id == null) {
            id = UUID.randomUUID().toString();
            data.setDisplayId(id);
        }
        kernel().display(data);
        lastDisplayId = id;
        return id;
    }

    /** Replaces what an earlier {@link #display} call showed. */
    public static void updateDisplay(String id, Object value) {
        kernel().getIO().display.updateDisplay(id, render(value));
    }

    /** Replaces what an earlier {@link #display} call showed, rendering as the given MIME types. */
    public static void updateDisplay(String id, Object value, String... mimeTypes) {
        kernel().getIO().display.updateDisplay(id, render(value, mimeTypes));
    }

    /** An HTML fragment to show, e.g. {@code display(html("<b>bold</b>"))} or as a cell's last value. */
    public static DisplayData html(String html) {
        DisplayData d = new DisplayData();
        d.putHTML(html);
        d.putText(html.replaceAll("<[^>]*>", ""));
        return d;
    }

    /** Markdown text to show. */
    public static DisplayData markdown(String markdown) {
        DisplayData d = new DisplayData();
        d.putMarkdown(markdown);
        d.putText(markdown);
        return d;
    }

    /** Clears the cell's output now. */
    public static void clearOutput() {
        clearOutput(false);
    }

    /** Clears the cell's output; with {@code wait}, only when the next output arrives (no flicker). */
    public static void clearOutput(boolean wait) {
        if (kernel() instanceof FmpLabKernel k) k.clearOutput(wait);
    }

    /** A progress listener for toolkit loops, shown as one display that updates in place. */
    public static ProgressBar progressBar() {
        return new ProgressBar();
    }

    /** A grid image of the first {@code maxImages} images of a batch {@code [N,C,H,W]} with values in [0,1]. */
    public static BufferedImage imageGrid(INDArray batch, int maxImages) {
        BufferedImage grid = Renderers.imageGrid(batch, maxImages);
        if (grid == null) {
            throw new IllegalArgumentException("expected images [N,C,H,W] or [C,H,W] with C = 1 or 3 and H, W >= 8, got shape "
                    + java.util.Arrays.toString(batch.shape()));
        }
        return grid;
    }
}
