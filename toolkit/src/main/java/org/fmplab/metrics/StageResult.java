package org.fmplab.metrics;

import java.util.List;
import java.util.Locale;
import org.fmplab.render.HtmlRenderable;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The metrics of a model after one stage of a pipeline (e.g. "backdoored", "pruned", "fine-tuned").
 *
 * @param der     DER against the undefended model, NaN for the undefended model itself
 * @param seconds wall time of the stage
 */
public record StageResult(String name, double ca, double asr, double ra, double der, double seconds)
        implements HtmlRenderable {

    public static StageResult of(String name, Scores s, Scores undefended, double seconds) {
        return new StageResult(name, s.ca(), s.asr(), s.ra(), undefended == null ? Double.NaN : s.derFrom(undefended), seconds);
    }

    public Scores scores() {
        return new Scores(ca, asr, ra);
    }

    /** A table with one row per stage: stage, CA, ASR, RA, DER, seconds. */
    public static Table table(String title, List<StageResult> stages) {
        Table t = Table.create(title,
                StringColumn.create("stage"), DoubleColumn.create("CA"), DoubleColumn.create("ASR"),
                DoubleColumn.create("RA"), DoubleColumn.create("DER"), DoubleColumn.create("seconds"));
        for (StageResult s : stages) {
            t.stringColumn("stage").append(s.name());
            t.doubleColumn("CA").append(s.ca());
            t.doubleColumn("ASR").append(s.asr());
            t.doubleColumn("RA").append(s.ra());
            t.doubleColumn("DER").append(s.der());
            t.doubleColumn("seconds").append(s.seconds());
        }
        return t;
    }

    @Override
    public String toHtml() {
        return String.format(Locale.ROOT,
                "<table><tr><th>stage</th><th>CA</th><th>ASR</th><th>RA</th><th>DER</th><th>seconds</th></tr>"
                        + "<tr><td>%s</td><td>%.2f%%</td><td>%.2f%%</td><td>%.2f%%</td><td>%s</td><td>%.1f</td></tr></table>",
                name, 100 * ca, 100 * asr, 100 * ra, Double.isNaN(der) ? "–" : String.format(Locale.ROOT, "%.3f", der), seconds);
    }
}
