import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Map;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.defense.api.DefenseStage;
import org.fmplab.defense.api.Defenses;
import org.fmplab.experiment.SavedRun;
import org.fmplab.metrics.Evaluator;
import org.fmplab.metrics.Scores;
import org.fmplab.params.Params;

/**
 * Any registered defense, with chosen parameters, on one saved backdoored model of a default run.
 * Usage, after {@code ./fmplab run}:
 * <pre>
 * java -cp "toolkit/target/fmplab-toolkit-0.1.0-SNAPSHOT.jar:toolkit/target/lib/*" bench/DefenseSweep.java \
 *     runs/default "nc" "nc;steps=1000;round-steps=31" ...
 * </pre>
 * Each argument after the run folder is a defense name followed by its parameters ({@code key=value}, all
 * joined by {@code ;}). It prints the defense's scalar report details (defender-side figures) and the
 * test-set CA / ASR / RA after each of its stages, with the wall time.
 */
public class DefenseSweep {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java -cp ... bench/DefenseSweep.java RUN_DIR \"defense;key=value;...\" ...");
            System.exit(2);
        }
        SavedRun saved = SavedRun.open(Path.of(args[0]));
        System.out.println(saved.summary());
        Evaluator eval = saved.evaluator();
        var model = saved.model();
        DefenderData defender = saved.defender();
        for (int i = 1; i < args.length; i++) {
            String[] nameAndSpec = args[i].split(";", 2);
            String name = nameAndSpec[0].trim();
            Map<String, String> params = Params.parseSpec(nameAndSpec.length > 1 ? nameAndSpec[1] : "");
            long t0 = System.nanoTime();
            DefenseResult r = Defenses.create(name, params).defend(model, defender, null);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.println("== " + args[i]);
            for (Map.Entry<String, Object> d : r.details().entrySet())
                if (!(d.getValue() instanceof BufferedImage)) System.out.println("   " + d.getKey() + " = " + d.getValue());
            for (DefenseStage s : r.stages()) {
                Scores sc = eval.evaluate(s.model());
                System.out.printf("   %-14s CA %.4f ASR %.4f RA %.4f%n", s.name(), sc.ca(), sc.asr(), sc.ra());
            }
            System.out.printf("   %.0f s%n", seconds);
        }
    }
}
