import java.nio.file.Path;
import java.util.Map;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.defense.api.DefenseStage;
import org.fmplab.experiment.Pipeline;
import org.fmplab.experiment.SavedRun;
import org.fmplab.fmp.FmpConfig;
import org.fmplab.fmp.FmpDefense;
import org.fmplab.fmp.FmpResult;
import org.fmplab.metrics.Evaluator;
import org.fmplab.metrics.Scores;
import org.fmplab.params.Params;

/**
 * FMP settings side by side on one saved backdoored model of a default run (the measurements behind
 * {@code FmpConfig.defaults()}). Usage, after {@code ./fmplab run}:
 * <pre>
 * java -cp "toolkit/target/fmplab-toolkit-0.1.0-SNAPSHOT.jar:toolkit/target/lib/*" bench/FmpSweep.java \
 *     runs/default "select=layer:0.125" "select=layer:0.25;batch=64" ...
 * </pre>
 * Each argument after the run folder is one FMP parameter set ({@code key=value} joined by {@code ;}, the
 * keys of {@code FmpConfig.fromParams}). It prints, per setting, the pruning size, the size-search table
 * when there is one (defender data only), and the test-set CA / ASR / RA after pruning and fine-tuning,
 * with the random-pruning control of the same size (seeded as the run's own).
 */
public class FmpSweep {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java -cp ... bench/FmpSweep.java RUN_DIR \"key=value;key=value\" ...");
            System.exit(2);
        }
        SavedRun saved = SavedRun.open(Path.of(args[0]));
        System.out.println(saved.summary());
        Evaluator eval = saved.evaluator();
        var model = saved.model();
        DefenderData defender = saved.defender();
        for (int i = 1; i < args.length; i++) {
            Map<String, String> params = Params.parseSpec(args[i]);
            long t0 = System.nanoTime();
            FmpDefense fmp = new FmpDefense(FmpConfig.fromParams(params));
            FmpResult r = fmp.run(model, defender, null);
            if (r.search() != null) System.out.println(r.search().table().print());
            StringBuilder line = new StringBuilder(String.format("%-50s pruned %4d", args[i], r.mask().total()));
            for (DefenseStage s : r.toDefenseResult("fmp").stages()) {
                Scores sc = eval.evaluate(s.model());
                line.append(String.format(" | %s CA %.4f ASR %.4f RA %.4f", s.name(), sc.ca(), sc.asr(), sc.ra()));
            }
            for (DefenseStage s : fmp.randomControl(model, defender, r, Pipeline.controlSeed(saved.config()), null).stages()) {
                if (!s.name().equals("fine-tuned")) continue;
                Scores sc = eval.evaluate(s.model());
                line.append(String.format(" | random CA %.4f ASR %.4f", sc.ca(), sc.asr()));
            }
            line.append(String.format(" | %.0f s", (System.nanoTime() - t0) / 1e9));
            System.out.println(line);
        }
    }
}
