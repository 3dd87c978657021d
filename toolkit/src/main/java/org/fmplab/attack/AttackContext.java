package org.fmplab.attack;

import org.fmplab.data.ImageDataset;
import org.fmplab.progress.ProgressListener;

/** What an attack may use to prepare itself: the attacker's training data, the target and a seed. */
public record AttackContext(ImageDataset train, PoisonConfig config, ProgressListener listener) { }
