import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.attack.Attack;
import org.fmplab.attack.Attacks;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.experiment.Pipeline;
import org.fmplab.experiment.RunConfig;
import org.fmplab.fmp.ChannelScore;
import org.fmplab.fmp.Coverage;
import org.fmplab.fmp.FmpConfig;
import org.fmplab.fmp.Ranker;
import org.fmplab.fmp.Ranking;
import org.fmplab.metrics.Evaluator;
import org.fmplab.metrics.Scores;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.model.ModelIO;
import org.fmplab.prune.ChannelMask;
import org.fmplab.prune.Pruner;

/**
 * Does FMP's ranking find the backdoor feature maps? On the saved backdoored model of a default run
 * (BadNets), it measures every feature map's trigger-activated change (TAC, {@link Coverage}) and
 * reports, for pruning ⌊C·ratio⌋ maps per layer: the share of the pruned maps that are among the layer's
 * top TAC maps, for FMP's accuracy ranking, for its loss ranking, and for chance (ratio); and the
 * test-set CA / ASR after pruning the TAC "oracle" set and fine-tuning exactly as FMP does — the best any
 * ranking could do at that size. The oracle uses the trigger: an analysis, never a defense.
 * Usage, after {@code ./fmplab run}:
 * <pre>
 * java -cp "toolkit/target/fmplab-toolkit-0.1.0-SNAPSHOT.jar:toolkit/target/lib/*" bench/FmpCoverage.java runs/default [ratio]
 * </pre>
 */
public class FmpCoverage {
    public static void main(String[] args) throws Exception {
        Path run = Path.of(args[0]);
        double ratio = args.length > 1 ? Double.parseDouble(args[1]) : 0.125;
        RunConfig config = RunConfig.defaults().withName(run.getFileName().toString()).withOutDir(run.getParent());
        Pipeline.Data data = new Pipeline(config, null).prepareData();
        Evaluator eval = data.evaluator();
        ComputationGraph model = ModelIO.load(run.resolve("model-backdoored")).model();
        DefenderData defender = new DefenderData(data.defenderClean(), config.seed() + 5);
        FmpConfig fmp = FmpConfig.defaults();
        Ranking ranking = new Ranker(fmp.rank()).rank(model, defender.clean(), defender.seed(), null);
        Attack trigger = Attacks.create(config.attack(), config.attackParams());
        Coverage.Tac tac = Coverage.tac(model, defender.clean(), trigger, defender.clean().size(), 1, null);

        Map<String, List<Integer>> oracle = new LinkedHashMap<>();
        int k = 0;
        int hitAcc = 0;
        int hitLoss = 0;
        System.out.printf("%-12s %4s %4s  %s%n", "layer", "C", "k", "top-TAC hits: accuracy / loss ranking");
        for (FeatureMapLayer l : ranking.layers()) {
            int c = l.channels();
            int kl = (int) Math.floor(c * ratio);
            double[] v = tac.values().get(l.name());
            List<Integer> byTac = new ArrayList<>();
            for (int i = 0; i < c; i++) byTac.add(i);
            byTac.sort(Comparator.comparingDouble((Integer i) -> -v[i]).thenComparingInt(i -> i));
            List<Integer> top = byTac.subList(0, kl);
            oracle.put(l.name(), new ArrayList<>(top));
            List<ChannelScore> byAcc = ranking.ranked(l.name());
            List<ChannelScore> byLoss = new ArrayList<>(ranking.layer(l.name()));
            byLoss.sort(Comparator.comparingDouble((ChannelScore s) -> -s.loss()).thenComparingInt(ChannelScore::channel));
            int a = 0;
            int b = 0;
            for (int i = 0; i < kl; i++) {
                if (top.contains(byAcc.get(i).channel())) a++;
                if (top.contains(byLoss.get(i).channel())) b++;
            }
            k += kl;
            hitAcc += a;
            hitLoss += b;
            System.out.printf("%-12s %4d %4d  %d / %d%n", l.name(), c, kl, a, b);
        }
        System.out.printf("coverage of the layer's top-TAC maps, %d pruned: accuracy ranking %.3f, loss ranking %.3f, chance %.3f%n",
                k, (double) hitAcc / k, (double) hitLoss / k, ratio);

        Scores before = eval.evaluate(model);
        ChannelMask mask = ChannelMask.of(ranking.layers(), oracle);
        ComputationGraph pruned = Pruner.prune(model, mask);
        Scores afterPrune = eval.evaluate(pruned);
        var tuned = fmp.fineTuner().fineTune(pruned, defender.clean(), mask, defender.seed() + 2, null);
        Scores after = eval.evaluate(tuned.model());
        System.out.printf("TAC oracle, %d pruned: before CA %.4f ASR %.4f | pruned CA %.4f ASR %.4f | fine-tuned CA %.4f ASR %.4f RA %.4f%n",
                mask.total(), before.ca(), before.asr(), afterPrune.ca(), afterPrune.asr(), after.ca(), after.asr(), after.ra());
    }
}
