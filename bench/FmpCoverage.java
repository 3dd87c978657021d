import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.attack.Attack;
import org.fmplab.attack.Attacks;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.experiment.SavedRun;
import org.fmplab.experiment.RunConfig;
import org.fmplab.fmp.Coverage;
import org.fmplab.fmp.FmpConfig;
import org.fmplab.fmp.Ranker;
import org.fmplab.fmp.RankConfig;
import org.fmplab.fmp.Ranking;
import org.fmplab.fmp.Selector;
import org.fmplab.metrics.Evaluator;
import org.fmplab.metrics.Scores;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.prune.ChannelMask;
import org.fmplab.prune.Pruner;
import tech.tablesaw.api.Table;

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
        SavedRun saved = SavedRun.open(run);
        RunConfig config = saved.config();
        Evaluator eval = saved.evaluator();
        ComputationGraph model = saved.model();
        DefenderData defender = saved.defender();
        FmpConfig fmp = FmpConfig.defaults();
        Ranking ranking = new Ranker(fmp.rank()).rank(model, defender.clean(), defender.seed(), null);
        Attack trigger = Attacks.create(config.attack(), config.attackParams());
        Coverage.Tac tac = Coverage.tac(model, defender.clean(), trigger, defender.clean().size(), 1, null);

        ChannelMask byAccuracy = new Selector.LayerRatio(ratio).select(ranking);
        ChannelMask byLoss = new Selector.LayerRatio(ratio).select(ranking.rankedBy(RankConfig.Score.LOSS));
        Coverage.Result acc = Coverage.of(tac, byAccuracy, ranking);
        Coverage.Result loss = Coverage.of(tac, byLoss, null);
        System.out.printf("%-12s %4s %4s  %s%n", "layer", "C", "k", "top-TAC hits: accuracy / loss ranking");
        for (FeatureMapLayer l : ranking.layers()) {
            System.out.printf("%-12s %4d %4d  %d / %d%n", l.name(), l.channels(), byAccuracy.count(l.name()),
                    hits(acc, l.name()), hits(loss, l.name()));
        }
        System.out.printf("coverage of the layer's top-TAC maps, %d pruned: accuracy ranking %.3f, loss ranking %.3f, chance %.3f%n",
                acc.k(), acc.perLayerCoverage(), loss.perLayerCoverage(), ratio);

        Scores before = eval.evaluate(model);
        ChannelMask mask = Coverage.topPerLayer(tac, byAccuracy);
        ComputationGraph pruned = Pruner.prune(model, mask);
        Scores afterPrune = eval.evaluate(pruned);
        var tuned = fmp.fineTuning().fineTune(pruned, defender.clean(), mask, org.fmplab.params.Seeds.fmpFineTune(defender.seed()), null);
        Scores after = eval.evaluate(tuned.model());
        System.out.printf("TAC oracle, %d pruned: before CA %.4f ASR %.4f | pruned CA %.4f ASR %.4f | fine-tuned CA %.4f ASR %.4f RA %.4f%n",
                mask.total(), before.ca(), before.asr(), afterPrune.ca(), afterPrune.asr(), after.ca(), after.asr(), after.ra());
    }

    /** Pruned maps of one layer that are among that layer's top-TAC maps. */
    private static int hits(Coverage.Result r, String layer) {
        Table t = r.table().where(r.table().stringColumn("layer").isEqualTo(layer));
        int n = 0;
        for (int i = 0; i < t.rowCount(); i++) if (t.booleanColumn("pruned").get(i) && t.booleanColumn("backdoor in layer").get(i)) n++;
        return n;
    }
}
