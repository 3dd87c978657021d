/**
 * The shared pruning mechanism: {@link org.fmplab.prune.ChannelMask} (which feature maps of which
 * conv layers) and {@link org.fmplab.prune.Pruner} (zero the conv filter, its bias and the γ of the
 * consuming BatchNorm, found through the graph; optionally keep them at zero while training). FMP
 * and the pruning baselines (fine-pruning, ANP, CLP, random) all use it; it depends on neither.
 */
package org.fmplab.prune;
