package org.fmplab.defense;

import java.util.SplittableRandom;
import org.fmplab.data.ImageDataset;
import org.fmplab.data.Subsets;
import org.fmplab.model.SeededInit;
import org.fmplab.params.Seeds;
import org.fmplab.progress.ProgressTracker;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Neural Cleanse's trigger reverse-engineering for one target class (Wang et al. 2019, released code's
 * schedule): find a mask m ∈ [0,1]^{H×W} and pattern p ∈ [0,1]^{C×H×W} such that x' = (1−m)·x + m·p sends
 * clean images to the target, minimising CE(f(x'), target) + cost·‖m‖₁. m and p live in tanh space,
 * optimised by Adam (lr 0.1, β 0.5/0.9) on input gradients of the inference-mode network
 * ({@link InputGradient}). Every {@code roundSteps} steps the cost is raised ×1.5 after {@code patience}
 * rounds with attack success ≥ {@code threshold} and lowered ÷1.5^1.5 after {@code patience} rounds
 * below it; the smallest-norm mask of a successful round is kept; early stop once the cost has moved
 * both ways and the best norm has not improved for 2·patience rounds.
 */
public final class TriggerReverser {
    /**
     * @param steps      maximum optimiser steps per class, ≥ 1
     * @param batch      images per step, ≥ 1
     * @param lr         Adam learning rate, > 0
     * @param initCost   initial weight of the mask norm, > 0
     * @param roundSteps steps per round of the cost schedule, ≥ 1
     * @param patience   rounds before the cost changes, ≥ 1
     * @param threshold  attack success a round must reach to count as successful, in (0, 1]
     */
    public record Config(int steps, int batch, double lr, double initCost, int roundSteps, int patience, double threshold) {
        public Config {
            if (steps < 1) throw new IllegalArgumentException("steps = " + steps + " must be >= 1");
            if (batch < 1) throw new IllegalArgumentException("batch = " + batch + " must be >= 1");
            if (!(lr > 0)) throw new IllegalArgumentException("lr = " + lr + " must be > 0");
            if (!(initCost > 0)) throw new IllegalArgumentException("initCost = " + initCost + " must be > 0");
            if (roundSteps < 1 || patience < 1) throw new IllegalArgumentException("roundSteps and patience must be >= 1");
            if (!(threshold > 0 && threshold <= 1)) throw new IllegalArgumentException("threshold = " + threshold + " must be in (0, 1]");
        }
    }

    /**
     * A reverse-engineered trigger.
     *
     * @param mask    [1,1,H,W] in [0,1]
     * @param pattern [1,C,H,W] in [0,1]
     * @param norm    L1 norm of the mask
     * @param success attack success of the kept trigger's round
     * @param reached whether some round reached the success threshold (else the last mask is kept)
     * @param steps   optimiser steps run
     */
    public record Trigger(int target, INDArray mask, INDArray pattern, double norm, double success, boolean reached, int steps) {
        /** Stamps the trigger: (1 − m)·x + m·p. */
        public INDArray apply(INDArray x) {
            return x.mul(mask.rsub(1.0)).addi(mask.mul(pattern));
        }
    }

    private static final double TANH_EPS = 1e-7;
    private final Config config;

    TriggerReverser(Config config) {
        this.config = config;
    }

    Trigger reverse(InputGradient net, ImageDataset clean, int target, long seed, ProgressTracker tracker) {
        int c = clean.channels(), h = clean.height(), w = clean.width(), k = clean.numClasses();
        SplittableRandom init = new SplittableRandom(seed);
        INDArray rm = atanh(SeededInit.uniform(init, 1, 1, h, w));
        INDArray rp = atanh(SeededInit.uniform(init, 1, c, h, w));
        Adam am = new Adam(rm, config.lr(), 0.5, 0.9);
        Adam ap = new Adam(rp, config.lr(), 0.5, 0.9);
        int batch = Math.min(config.batch(), clean.size());
        double cost = config.initCost();
        int up = 0, down = 0, stale = 0;
        boolean wentUp = false, wentDown = false;
        double bestNorm = Double.POSITIVE_INFINITY, bestSuccess = 0, lastBest = Double.POSITIVE_INFINITY;
        INDArray bestMask = null, bestPattern = null;
        double roundSuccess = 0, roundNorm = 0;
        int[] order = Subsets.shuffled(clean.size(), seed);
        int pos = 0, pass = 0, step = 0;
        while (step < config.steps()) {
            if (pos + batch > order.length) {
                order = Subsets.shuffled(clean.size(), Seeds.pass(seed, ++pass));
                pos = 0;
            }
            int[] idx = java.util.Arrays.copyOfRange(order, pos, pos + batch);
            pos += batch;
            INDArray x = clean.features(idx);
            INDArray tm = Transforms.tanh(rm, true), tp = Transforms.tanh(rp, true);
            INDArray m = tm.add(1).muli(0.5), p = tp.add(1).muli(0.5);
            INDArray xs = x.mul(m.rsub(1.0)).addi(m.mul(p));
            INDArray y = Nd4j.zeros(DataType.FLOAT, batch, k);
            y.getColumn(target).assign(1);
            InputGradient.Result r = net.lossAndGradient(xs, y);
            INDArray g = r.gradient();
            INDArray gm = g.mul(p.sub(x)).sum(true, 0, 1).addi(cost);
            INDArray gp = g.mul(m).sum(true, 0);
            gm.muli(tm.mul(tm).rsubi(1).muli(0.5));
            gp.muli(tp.mul(tp).rsubi(1).muli(0.5));
            roundSuccess += share(r.predictions(), target);
            roundNorm += m.sumNumber().doubleValue();
            am.step(rm, gm);
            ap.step(rp, gp);
            step++;
            tracker.step(1, java.util.Map.of("class", (double) target, "cost", cost));
            if (step % config.roundSteps() != 0 && step < config.steps()) continue;
            int n = step % config.roundSteps() == 0 ? config.roundSteps() : step % config.roundSteps();
            double succ = roundSuccess / n, norm = roundNorm / n;
            roundSuccess = 0;
            roundNorm = 0;
            if (succ >= config.threshold() && norm < bestNorm) {
                bestNorm = norm;
                bestSuccess = succ;
                bestMask = m.dup();
                bestPattern = p.dup();
            }
            if (succ >= config.threshold()) { up++; down = 0; } else { down++; up = 0; }
            if (up >= config.patience()) { up = 0; cost *= 1.5; wentUp = true; }
            else if (down >= config.patience()) { down = 0; cost /= Math.pow(1.5, 1.5); wentDown = true; }
            if (bestNorm < Double.POSITIVE_INFINITY) {
                stale = bestNorm >= lastBest ? stale + 1 : 0;
                lastBest = Math.min(lastBest, bestNorm);
                if (wentUp && wentDown && stale >= 2 * config.patience()) break;
            }
        }
        if (bestMask == null) {
            INDArray m = Transforms.tanh(rm, true).addi(1).muli(0.5);
            INDArray p = Transforms.tanh(rp, true).addi(1).muli(0.5);
            return new Trigger(target, m, p, m.sumNumber().doubleValue(), roundSuccessOf(net, clean, m, p, target, batch), false, step);
        }
        return new Trigger(target, bestMask, bestPattern, bestMask.sumNumber().doubleValue(), bestSuccess, true, step);
    }

    private static double roundSuccessOf(InputGradient net, ImageDataset clean, INDArray m, INDArray p, int target, int batch) {
        int[] idx = new int[Math.min(batch, clean.size())];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        INDArray x = clean.features(idx);
        return success(net, x.mul(m.rsub(1.0)).addi(m.mul(p)), target);
    }

    private static double success(InputGradient net, INDArray xs, int target) {
        return share(net.probabilities(xs).argMax(1).toIntVector(), target);
    }

    private static double share(int[] pred, int target) {
        int hit = 0;
        for (int v : pred) if (v == target) hit++;
        return (double) hit / pred.length;
    }

    // tanh-space parameters of values in [0,1], as the released code: atanh((v − 0.5)·(2 − ε)).
    private static INDArray atanh(INDArray v) {
        INDArray u = v.sub(0.5).muli(2 - TANH_EPS);
        // atanh(u) = 0.5·ln((1+u)/(1−u))
        return Transforms.log(u.add(1).divi(u.rsub(1)), false).muli(0.5);
    }
}
