/**
 * Adversarial Feature Map Pruning (Huang &amp; Bu, ICLR 2024), stage by stage; each stage is usable
 * alone (method spec §2):
 * <ol>
 *   <li>{@link org.fmplab.fmp.Ranker} ({@link org.fmplab.fmp.RankConfig}) → {@link org.fmplab.fmp.Ranking}:
 *       a score per conv feature map, as records and as a Tablesaw table;</li>
 *   <li>{@link org.fmplab.fmp.Selector} (⌊C/p⌋ per layer, per-layer or global ratio, k-means, random
 *       control) or {@link org.fmplab.fmp.SizeSearch} (pruning size chosen on clean data) →
 *       {@link org.fmplab.prune.ChannelMask};</li>
 *   <li>{@link org.fmplab.prune.Pruner} (shared with the pruning baselines);</li>
 *   <li>{@link org.fmplab.prune.FineTuning} (the toolkit's one fine-tuning recipe, shared with every baseline and the random control);</li>
 *   <li>{@link org.fmplab.fmp.FmpDefense} chains them as a {@link org.fmplab.defense.api.Defense}
 *       ({@link org.fmplab.fmp.FmpConfig#defaults()} or {@link org.fmplab.fmp.FmpConfig#paper()}).</li>
 * </ol>
 * Analysis: {@link org.fmplab.fmp.Coverage} (trigger-activated change of each feature map and the
 * coverage of a pruning), {@link org.fmplab.fmp.FmpPlots}; speed: {@code ./fmplab bench fmp} ({@link org.fmplab.experiment.FmpBench}).
 *
 * <p>Input gradients come from a package-private probe network (BatchNorm folded into a frozen
 * affine, transposed-convolution input gradients) because DL4J's ComputationGraph has no
 * input-gradient API and its BatchNorm backward is wrong after an inference forward.
 */
package org.fmplab.fmp;
