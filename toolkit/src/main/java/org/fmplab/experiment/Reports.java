package org.fmplab.experiment;

import java.util.List;
import java.util.Locale;
import org.fmplab.metrics.StageResult;

/** Markdown and HTML renderings of stage tables. */
public final class Reports {
    private Reports() { }

    public static String stagesMarkdown(List<StageResult> stages) {
        StringBuilder sb = new StringBuilder("| stage | CA | ASR | RA | DER | seconds |\n|---|---:|---:|---:|---:|---:|\n");
        for (StageResult s : stages) {
            sb.append(String.format(Locale.ROOT, "| %s | %.2f%% | %.2f%% | %.2f%% | %s | %.1f |%n", s.name(), 100 * s.ca(),
                    100 * s.asr(), 100 * s.ra(), der(s), s.seconds()));
        }
        return sb.toString();
    }

    public static String stagesHtml(List<StageResult> stages) {
        StringBuilder sb = new StringBuilder("<table><thead><tr><th>stage</th><th>CA</th><th>ASR</th><th>RA</th><th>DER</th><th>seconds</th></tr></thead><tbody>");
        for (StageResult s : stages) {
            sb.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.2f%%</td><td>%.2f%%</td><td>%.2f%%</td><td>%s</td><td>%.1f</td></tr>",
                    escape(s.name()), 100 * s.ca(), 100 * s.asr(), 100 * s.ra(), der(s), s.seconds()));
        }
        return sb.append("</tbody></table>").toString();
    }

    private static String der(StageResult s) {
        return Double.isNaN(s.der()) ? "–" : String.format(Locale.ROOT, "%.3f", s.der());
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
