package org.fmplab.metrics;

import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** counts[true][predicted] over K classes, with per-class accuracy. */
public record ConfusionMatrix(int[][] counts) {
    public ConfusionMatrix {
        counts = java.util.Arrays.stream(counts).map(int[]::clone).toArray(int[][]::new);
    }

    public static ConfusionMatrix of(int[] predicted, int[] labels, int numClasses) {
        if (predicted.length != labels.length) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries but there are " + predicted.length + " predictions");
        }
        int[][] c = new int[numClasses][numClasses];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses || predicted[i] < 0 || predicted[i] >= numClasses) {
                throw new IllegalArgumentException("class of sample " + i + " outside [0, " + numClasses + ")");
            }
            c[labels[i]][predicted[i]]++;
        }
        return new ConfusionMatrix(c);
    }

    public int count(int trueClass, int predictedClass) {
        return counts[trueClass][predictedClass];
    }

    /** Accuracy of each true class (NaN for a class with no samples). */
    public double[] perClassAccuracy() {
        double[] acc = new double[counts.length];
        for (int k = 0; k < counts.length; k++) {
            int total = 0;
            for (int v : counts[k]) total += v;
            acc[k] = total == 0 ? Double.NaN : (double) counts[k][k] / total;
        }
        return acc;
    }

    /** One row per true class: class name, sample count, accuracy, then one column per predicted class. */
    public Table toTable(List<String> classNames) {
        int k = counts.length;
        Table t = Table.create("confusion matrix", StringColumn.create("class"), IntColumn.create("n"), DoubleColumn.create("accuracy"));
        for (int p = 0; p < k; p++) t.addColumns(IntColumn.create("pred " + classNames.get(p)));
        double[] acc = perClassAccuracy();
        for (int r = 0; r < k; r++) {
            t.stringColumn("class").append(classNames.get(r));
            int n = 0;
            for (int v : counts[r]) n += v;
            t.intColumn("n").append(n);
            t.doubleColumn("accuracy").append(acc[r]);
            for (int p = 0; p < k; p++) t.intColumn(3 + p).append(counts[r][p]);
        }
        return t;
    }
}
