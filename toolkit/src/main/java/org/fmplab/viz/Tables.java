package org.fmplab.viz;

import tech.tablesaw.api.Table;

/** Renders a Tablesaw table (cells as they print) as a Markdown or an HTML table. */
public final class Tables {
    private Tables() { }

    /** A GitHub Markdown table; '|' in cells is escaped. */
    public static String markdown(Table t) {
        StringBuilder sb = new StringBuilder("|");
        for (String c : t.columnNames()) sb.append(' ').append(mdCell(c)).append(" |");
        sb.append("\n|").append("---|".repeat(t.columnCount())).append('\n');
        for (int r = 0; r < t.rowCount(); r++) {
            sb.append('|');
            for (int c = 0; c < t.columnCount(); c++) sb.append(' ').append(mdCell(t.getString(r, c))).append(" |");
            sb.append('\n');
        }
        return sb.toString();
    }

    /** An HTML {@code <table>} with a header row; cells are escaped. */
    public static String html(Table t) {
        StringBuilder sb = new StringBuilder("<table><thead><tr>");
        for (String c : t.columnNames()) sb.append("<th>").append(escape(c)).append("</th>");
        sb.append("</tr></thead><tbody>");
        for (int r = 0; r < t.rowCount(); r++) {
            sb.append("<tr>");
            for (int c = 0; c < t.columnCount(); c++) sb.append("<td>").append(escape(t.getString(r, c))).append("</td>");
            sb.append("</tr>");
        }
        return sb.append("</tbody></table>").toString();
    }

    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String mdCell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
